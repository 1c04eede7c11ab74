import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{a}from"./chunks/chunk-CLTVK2QK.js";import"./chunks/chunk-E5II6SJK.js";a();var{run:i}=await import("./chunks/main-KZSFLVNH.js");await i();
