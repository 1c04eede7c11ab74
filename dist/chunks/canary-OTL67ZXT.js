import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{b as f}from"./chunk-UC7CH3BT.js";import{a as c,b as u}from"./chunk-6KFT37IZ.js";import{a as p}from"./chunk-A44BLECD.js";import{h as a}from"./chunk-IQ6MXKUD.js";import"./chunk-BBSVEUJY.js";import"./chunk-EJDPF3X6.js";import"./chunk-7P67FG6D.js";import{h as i}from"./chunk-UPD6O3UQ.js";import"./chunk-CG7VLJPE.js";import"./chunk-XAAR6LOX.js";import"./chunk-Y4ZVMEVL.js";import"./chunk-O4DG6HW5.js";import"./chunk-2JFUARG4.js";import{d as s}from"./chunk-FJAUA4E6.js";import"./chunk-E5II6SJK.js";async function v(t){let o=[];for(let[n,e]of Object.entries(t.paths))e!==void 0&&o.push({file:typeof e=="string"?e:e.file,field:`--${n}`});let{report:r}=await u({configPath:t.configPath,window:t.window,every:t.every,for:t.for,outputs:o,env:t.env,...t.signal?{signal:t.signal}:{},...t.clock?{clock:t.clock}:{},...t.secret?{secret:t.secret}:{},progress:n=>t.stderr(`${n}
`)});if(a(r,t.paths,{runUrl:p(t.env)}),await t.push?.(r),r.incomplete)throw t.stderr(`report (incomplete): ${t.paths.report}
`),new s(r.incomplete_reason);return t.stdout(f(r,{color:t.isTty&&!t.env.NO_COLOR})),t.stderr(`evalgate: ${i(r.summary)}
report: ${t.paths.report}
`),c(r)}export{v as runCanary};
