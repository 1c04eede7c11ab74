import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{b as c}from"./chunk-UC7CH3BT.js";import{a as l}from"./chunk-LGJSKY7Y.js";import"./chunk-NRGC5DRC.js";import{a as p}from"./chunk-A44BLECD.js";import"./chunk-HELXKFLI.js";import{h as f}from"./chunk-IQ6MXKUD.js";import{P as s}from"./chunk-BBSVEUJY.js";import"./chunk-EJDPF3X6.js";import{I as u}from"./chunk-7P67FG6D.js";import{h as m}from"./chunk-UPD6O3UQ.js";import"./chunk-54M7FLQY.js";import"./chunk-CG7VLJPE.js";import"./chunk-HK4CJ7WS.js";import"./chunk-XAAR6LOX.js";import"./chunk-Y4ZVMEVL.js";import"./chunk-O4DG6HW5.js";import"./chunk-2JFUARG4.js";import"./chunk-FJAUA4E6.js";import"./chunk-E5II6SJK.js";async function $(g,r,a,d,t){let o=[{file:r.report,field:"--report"}];for(let n of["junit","summary","html"]){let i=r[n];i!==void 0&&o.push({file:i,field:`--${n}`})}u(o);let{report:e,onInconclusive:O}=await l(g,{...a,outputs:o},d);return f(e,r,{runUrl:p(t.env)}),t.stdout(c(e,{color:t.isTty&&!t.env.NO_COLOR})),t.stderr(`evalgate: ${m(e.summary)}
report: ${r.report}
`),r.html&&t.stderr(`html: ${r.html}
`),s(e.decision,O)}export{$ as runMerge};
