import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{a,b,c,d,e}from"./chunk-MA4MKT5E.js";import"./chunk-E5II6SJK.js";export{a as convertPathToPattern,b as escapePath,d as glob,e as globSync,c as isDynamicPattern};
