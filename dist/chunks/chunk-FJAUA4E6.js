import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
var i={pass:0,blocked:1,badInput:2,cannotJudge:3};function s(n){let e=n.file??"";return n.file&&n.line&&(e+=`:${n.line}`),n.path&&(e+=e?` (${n.path})`:n.path),e?`${e}: ${n.message}`:n.message}var t=class extends Error{problems;constructor(e){let r=Array.isArray(e)?e:[e];super(r.map(s).join(`
`)),this.name="InputError",this.problems=r}},o=class extends Error{constructor(e){super(e),this.name="RunAbortedError"}};function a(n){return n instanceof Error?n.message:String(n)}export{i as a,s as b,t as c,o as d,a as e};
