import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{e as i}from"./chunk-FJAUA4E6.js";var a=/(?: in JSON)? at position (\d+)(?: \(line \d+ column \d+\))?/;function l(e){let n=i(e),r=a.exec(n),t=n.replace(a,"").replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s,"");return r?{message:t,offset:Number(r[1])}:{message:t}}var f=["cases","samples","data"];function p(e){let n=[0];for(let r=e.indexOf(`
`);r!==-1;r=e.indexOf(`
`,r+1))n.push(r+1);return r=>{let t=0,o=n.length-1;for(;t<o;){let s=t+o+1>>1;n[s]<=r?t=s:o=s-1}return t+1}}function d(e){return typeof e=="object"&&e!==null&&!Array.isArray(e)}function m(e){if(e===void 0)return"nothing";if(e===null)return"null";if(Array.isArray(e))return"an array";let n=typeof e;return n==="object"?"an object":`a ${n}`}export{l as a,f as b,p as c,d,m as e};
