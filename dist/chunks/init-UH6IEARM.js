import { createRequire as __evalgateCreateRequire } from 'node:module';
const require = __evalgateCreateRequire(import.meta.url);
import{a as w}from"./chunk-2JFUARG4.js";import{c as i,e as f}from"./chunk-FJAUA4E6.js";import"./chunk-E5II6SJK.js";import{existsSync as O,mkdirSync as S,writeFileSync as D}from"node:fs";import s from"node:path";var v={name:"evalgate",version:"0.1.0",description:"Gate merges and deploys on LLM quality, latency and cost regressions, with statistics that tell a real regression from noise.",type:"module",license:"MIT",bin:{evalgate:"dist/cli.js"},files:["dist/","action.yml","schema/"],engines:{node:">=20"},scripts:{build:"node scripts/build.mjs",pretest:"node scripts/test-deps.mjs",test:"vitest run",typecheck:"tsc --noEmit",lint:"biome check .",format:"biome format --write .",demo:"node evals/demo/run-demo.mjs","docs:config":"node scripts/docs-config.mjs",bench:"node scripts/bench.mjs","bench:decision":"node bench/decision.mjs","bench:scorers":"node bench/scorers.mjs","bench:render":"node bench/render.mjs","bench:html":"node bench/html.mjs",schema:"node scripts/schema.mjs",release:"node scripts/release.mjs"},devDependencies:{"@actions/artifact":"^6.2.1","@actions/core":"^3.0.1","@actions/github":"^9.1.1","@biomejs/biome":"^2.6.8","@types/node":"^20.19.43",ajv:"^8.20.0","ajv-formats":"^3.0.1","csv-parse":"^6.2.1",esbuild:"^0.28.2","fast-check":"^4.11.0","p-limit":"^7.3.3","playwright-core":"^1.65.1","prom-client":"^15.1.3",tinyglobby:"^0.2.17",typescript:"~5.9.3",vitest:"^4.1.12",yaml:"^2.9.1",zod:"^4.6.7"},overrides:{"content-type":"~2.1.0"},allowScripts:{esbuild:!1}};var b=["openai","anthropic","http"],a="evals/evalgate.yaml",E="evals/golden.jsonl",c=".github/workflows/evalgate.yml",_=["baseline","candidate"],P={baseline:"# what runs today",candidate:"# the change to gate: another model, prompt or params"},y=e=>_.map(t=>`  ${t}: ${P[t]}
    type: ${e.type}
    base_url: \${${e.urlVar}:-${e.url}}
    model: ${t==="baseline"?e.baseline:e.candidate}
    api_key_env: ${e.keyVar} # the NAME of the variable that holds the key
    prompt: "{{input}}"
    params: ${e.params}`).join(`
`),m={openai:{targets:y({type:"openai",urlVar:"OPENAI_BASE_URL",url:"https://api.openai.com/v1",keyVar:"OPENAI_API_KEY",baseline:"gpt-4o-mini",candidate:"gpt-4.1-mini",params:"{ temperature: 0 }"}),workflowEnv:{OPENAI_API_KEY:"${{ secrets.OPENAI_API_KEY }}"},setup:"export OPENAI_API_KEY=...   (OPENAI_BASE_URL too, for any OpenAI-compatible server)"},anthropic:{targets:y({type:"anthropic",urlVar:"ANTHROPIC_BASE_URL",url:"https://api.anthropic.com",keyVar:"ANTHROPIC_API_KEY",baseline:"claude-3-5-haiku-latest",candidate:"claude-haiku-4-5",params:"{ temperature: 0, max_tokens: 512 }"}),workflowEnv:{ANTHROPIC_API_KEY:"${{ secrets.ANTHROPIC_API_KEY }}"},setup:"export ANTHROPIC_API_KEY=..."},http:{targets:_.map((e,t)=>`  ${e}: ${P[e]}
    type: http
    url: \${APP_${e.toUpperCase()}_URL:-http://localhost:${8080+t}/answer}
    body: { question: "{{input}}" } # what your app receives; strings are templated
    output: answer # where the answer is in the JSON reply (a dot path)`).join(`
`),workflowEnv:{APP_BASELINE_URL:"${{ vars.APP_BASELINE_URL }}",APP_CANDIDATE_URL:"${{ vars.APP_CANDIDATE_URL }}"},setup:"export APP_BASELINE_URL=... APP_CANDIDATE_URL=...   (your two deployments)"}};function $(e,t){return`# yaml-language-server: $schema=${t}
# Written by \`evalgate init\`. Each case goes to both targets; the gate compares their answers
# and blocks when the candidate is worse by more than a budget. \${VAR} reads the environment.
version: 1
dataset: golden.jsonl
targets:
${m[e].targets}
scorers:
  - type: icontains # the answer contains the case's \`expected\`, in any case
budgets:
  quality: { max_drop: 0.02 } # block when the mean score drops by more than 2 points
  error_rate: { max: 0.05 } # block when more than 5% of the candidate's calls fail
`}var A=`${[{id:"capital-of-france",input:"What is the capital of France? Answer with the city only.",expected:"Paris",tags:["geography"]},{id:"add-two-numbers",input:"What is 17 + 25? Answer with the number only.",expected:"42",tags:["math"]},{id:"opposite-of-ancient",input:'What is the opposite of "ancient"? Answer with one word.',expected:"modern",tags:["language"]}].map(e=>JSON.stringify(e)).join(`
`)}
`;function I(e,t){let n=Object.entries(m[e].workflowEnv).map(([o,p])=>`          ${o}: ${p}`).join(`
`);return`# Written by \`evalgate init\`: gate every pull request on ${a}, with one sticky
# comment that says what changed. A \`fail\` decision fails this check.
name: evalgate
on: pull_request
permissions:
  contents: read
  pull-requests: write # the sticky comment; without it (e.g. forks) the comment is a warning
jobs:
  gate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: ${t}
        env:
${n}
        with:
          config: ${a}
      - uses: actions/upload-artifact@v4
        if: \${{ !cancelled() }}
        with:
          name: evalgate-report
          path: evalgate-report.json
`}function x(e){return m[e].setup}var h="OWNER/evalgate";function V(e){let t=typeof e=="string"?e:e?.url;return typeof t!="string"?void 0:(/github\.com[/:]([\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(t)??/^(?:github:)?([\w.-]+\/[\w.-]+)$/.exec(t))?.[1]}var u=V(v.repository),R=`v${w.split(".")[0]}`;function C(e){let t=s.join("node_modules","evalgate","schema","config.schema.json");return O(s.join(e,t))?`../${t.split(s.sep).join("/")}`:`https://raw.githubusercontent.com/${u??h}/${R}/schema/config.schema.json`}function B(e,t){let n=e.provider??"openai";if(!b.includes(n))throw new i({path:"--provider",message:`must be openai, anthropic or http; got "${e.provider}"`});let o=s.resolve(e.dir??"."),p=`${u??h}@${R}`,l=[[a,$(n,C(o))],[E,A],[c,I(n,p)]],g=l.filter(([r])=>O(s.join(o,r))).map(([r])=>({file:s.join(e.dir??"",r),message:"already exists: init writes none of its files when any exists (move it aside)"}));if(g.length>0)throw new i(g);for(let[r,L]of l){let d=s.join(o,r);try{S(s.dirname(d),{recursive:!0}),D(d,L,{flag:"wx"})}catch(N){throw new i({file:d,message:`cannot be written: ${f(N)}`})}}let k=e.dir===void 0?"":`  cd ${e.dir}
`,j=u?"":`  replace ${h} in ${c} with the repository evalgate is released from
`;t(`wrote ${l.map(([r])=>r).join(", ")} (${n})
next:
${k}  ${x(n)}
  npx evalgate validate      checks the config and the cases; sends nothing
  npx evalgate run           asks both targets every case and decides (3 cases: inconclusive,
                             a verdict needs gate.min_cases, 30 by default)
${j}  commit evals/ and ${c}: every pull request is then gated
`)}export{h as OWNER_PLACEHOLDER,V as githubRepository,B as runInit};
