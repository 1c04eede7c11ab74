import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{a as r}from"./chunks/chunk-CLTVK2QK.js";r();var t;try{({run:t}=await import("./chunks/action-main.js"))}catch(e){let a=(e instanceof Error?e.message:String(e)).replace(/%/g,"%25").replace(/\r/g,"%0D").replace(/\n/g,"%0A");process.stdout.write(`::error::evalgate could not start: ${a}
`),process.exit(3)}await t();
