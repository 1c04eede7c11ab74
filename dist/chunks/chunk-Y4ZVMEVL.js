import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
function l(i,o){let t=Array.from({length:o.length+1},(e,r)=>r);for(let e=1;e<=i.length;e++){let r=t[0];t[0]=e;for(let n=1;n<=o.length;n++){let s=t[n];t[n]=Math.min(s+1,t[n-1]+1,r+(i[e-1]===o[n-1]?0:1)),r=s}}return t[o.length]}function g(i,o){let t,e=Number.POSITIVE_INFINITY;for(let r of o){let n=l(i.toLowerCase(),r.toLowerCase());n<e&&(t=r,e=n)}return t!==void 0&&e<=Math.max(2,Math.floor(i.length/3))?t:void 0}export{g as a};
