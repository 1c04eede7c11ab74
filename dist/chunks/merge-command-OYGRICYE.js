import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{b as c}from"./chunk-7CWMDWFK.js";import{a as l}from"./chunk-2H336MRG.js";import{a as p}from"./chunk-A44BLECD.js";import{h as f}from"./chunk-3GKOBYBI.js";import"./chunk-U2THGVU7.js";import"./chunk-RLGSN6OF.js";import"./chunk-IJCNSQD6.js";import{na as s}from"./chunk-TJXL4JZR.js";import"./chunk-HK4CJ7WS.js";import{ga as u}from"./chunk-RKLQG7S4.js";import"./chunk-Y4ZVMEVL.js";import{m}from"./chunk-MT4S23HZ.js";import"./chunk-2JFUARG4.js";import"./chunk-FJAUA4E6.js";import"./chunk-E5II6SJK.js";async function $(g,r,a,d,t){let o=[{file:r.report,field:"--report"}];for(let n of["junit","summary","html"]){let i=r[n];i!==void 0&&o.push({file:i,field:`--${n}`})}u(o);let{report:e,onInconclusive:O}=await l(g,{...a,outputs:o},d);return f(e,r,{runUrl:p(t.env)}),t.stdout(c(e,{color:t.isTty&&!t.env.NO_COLOR})),t.stderr(`evalgate: ${m(e.summary)}
report: ${r.report}
`),r.html&&t.stderr(`html: ${r.html}
`),s(e.decision,O)}export{$ as runMerge};
