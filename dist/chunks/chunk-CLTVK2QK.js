import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import e from"node:module";function a(){try{e.enableCompileCache?.()}catch{}}export{a};
