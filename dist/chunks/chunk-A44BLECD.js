import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
function c(t){let r=t.GITHUB_SERVER_URL||"https://github.com",s=t.GITHUB_REPOSITORY,e=t.GITHUB_RUN_ID;if(!s||!e||!/^\d+$/.test(e)||!/^[\w.-]+\/[\w.-]+$/.test(s))return;let n=t.GITHUB_RUN_ATTEMPT,o=n&&/^\d+$/.test(n)&&n!=="1"?`/attempts/${n}`:"";return`${r.replace(/\/+$/,"")}/${s}/actions/runs/${e}${o}`}export{c as a};
