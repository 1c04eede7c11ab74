#!/usr/bin/env node
import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{e as a}from"./chunks/chunk-I6TJ525U.js";import{a as i}from"./chunks/chunk-CLTVK2QK.js";import{a as n}from"./chunks/chunk-LDDUOHUQ.js";import{b as c}from"./chunks/chunk-T7JWKUMM.js";import"./chunks/chunk-UPD6O3UQ.js";import"./chunks/chunk-Y4ZVMEVL.js";import"./chunks/chunk-O4DG6HW5.js";import"./chunks/chunk-2JFUARG4.js";import"./chunks/chunk-FJAUA4E6.js";import"./chunks/chunk-E5II6SJK.js";n();var d=c({fail:e=>process.stderr.write(`evalgate: could not judge: ${e}
`),debug:e=>process.stderr.write(`${e}
`)}),l=new AbortController;for(let e of["SIGINT","SIGTERM"])process.once(e,()=>l.abort(e));var p=process.argv.slice(2),t=a(p),s;if(t)process.stdout.write(t.text),s=t.code;else{i();let{runCli:e}=await import("./chunks/main-VRXM3W6L.js");s=await e(p,{stdout:r=>process.stdout.write(r),stderr:r=>process.stderr.write(r),env:process.env,isTty:!!process.stderr.isTTY,signal:l.signal,guard:d.watch})}d.settle(s);u(s);function u(e){let r=2,o=()=>{--r===0&&process.exit(e)};process.stdout.write("",o),process.stderr.write("",o)}
