import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{setFlagsFromString as o}from"node:v8";function t(){o("--heap-growing-percent=50")}export{t as a};
