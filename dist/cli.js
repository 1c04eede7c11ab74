#!/usr/bin/env node
import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{e as n}from"./chunks/chunk-I6TJ525U.js";import{a as t}from"./chunks/chunk-CLTVK2QK.js";import{a as i}from"./chunks/chunk-LDDUOHUQ.js";import{b as c}from"./chunks/chunk-T7JWKUMM.js";import"./chunks/chunk-UPD6O3UQ.js";import"./chunks/chunk-Y4ZVMEVL.js";import"./chunks/chunk-O4DG6HW5.js";import"./chunks/chunk-2JFUARG4.js";import"./chunks/chunk-FJAUA4E6.js";import"./chunks/chunk-E5II6SJK.js";i();var a=c({fail:r=>process.stderr.write(`evalgate: could not judge: ${r}
`),debug:r=>process.stderr.write(`${r}
`)}),l=new AbortController;for(let r of["SIGINT","SIGTERM"])process.once(r,()=>l.abort(r));var d=process.argv.slice(2),o=n(d),s;if(o)process.stdout.write(o.text),s=o.code;else{t();let{runCli:r}=await import("./chunks/main-ONMHNB4S.js");s=await r(d,{stdout:e=>process.stdout.write(e),stderr:e=>process.stderr.write(e),env:process.env,isTty:!!process.stderr.isTTY,signal:l.signal,guard:a.watch})}a.settle(s);
