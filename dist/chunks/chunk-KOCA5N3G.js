import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{a as i,h as r}from"./chunk-UPD6O3UQ.js";import{b as t}from"./chunk-FJAUA4E6.js";function o(n){return i(n).replace(/^(\s*)::/gm,"$1> ::")}function s(n){return n.map(e=>t({...e,file:e.file===void 0?void 0:r(e.file),path:e.path===void 0?void 0:r(e.path),message:o(e.message)})).join(`
`)}function f(n){return[...s(n).split(`
`).map(e=>`note: ${e}`),"note: run needs these variables set; `validate --strict` treats a missing one as an error"].join(`
`)}export{o as a,s as b,f as c};
