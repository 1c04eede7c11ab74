import{createRequire as e}from"node:module";const o=e(import.meta.url);import r from"node:module";function t(){try{r.enableCompileCache?.()}catch{}}export{t as enableCompileCache};
