#!/usr/bin/env node
import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{a as c}from"./chunks/chunk-LDDUOHUQ.js";import{d as n}from"./chunks/chunk-P6LBXI3T.js";import{l as e}from"./chunks/chunk-6SZMKDOX.js";import"./chunks/chunk-E5II6SJK.js";c();var i=e({fail:r=>process.stderr.write(`evalgate: could not judge: ${r}
`),debug:r=>process.stderr.write(`${r}
`)}),a=new AbortController;for(let r of["SIGINT","SIGTERM"])process.once(r,()=>a.abort(r));var d=process.argv.slice(2),t=n(d),o;if(t)process.stdout.write(t.text),o=t.code;else{let{runCli:r}=await import("./chunks/main-SYD6YLYX.js");o=await r(d,{stdout:s=>process.stdout.write(s),stderr:s=>process.stderr.write(s),env:process.env,isTty:!!process.stderr.isTTY,signal:a.signal,guard:i.watch})}i.settle(o);
