// Regenerates golden.jsonl for the demo (kept in the repo so the demo needs nothing but Node).
// node evals/demo/make-golden.mjs > evals/demo/golden.jsonl
const topics = {
  billing: [
    ['How do I update the credit card on my {plan} plan?', 'Settings > Billing > Payment method'],
    ['Can I get a refund on the {plan} plan?', 'within 30 days'],
    ['Why was I charged twice this month on {plan}?', 'duplicate charge is refunded automatically'],
    ['How do I download an invoice for my {plan} subscription?', 'Settings > Billing > Invoices'],
  ],
  shipping: [
    ['How long does standard shipping to {region} take?', '3 to 5 business days'],
    ['Do you ship to {region} on weekends?', 'no weekend deliveries'],
    ['How can I track my order to {region}?', 'tracking link in your confirmation email'],
  ],
  account: [
    ['How do I reset my password as a {plan} user?', 'Forgot password on the sign-in page'],
    ['Can I change the email on my {plan} account?', 'Settings > Profile > Email'],
    ['How do I enable two-factor authentication on {plan}?', 'Settings > Security > Two-factor'],
  ],
  product: [
    ['Does the {plan} plan include the API?', 'API access is included'],
    ['What is the file size limit on {plan}?', '2 GB per file'],
    ['Can I export my data from {plan} as CSV?', 'Export > CSV'],
  ],
};
const plans = ['free', 'pro', 'team', 'enterprise'];
const regions = ['Canada', 'Germany', 'Japan', 'Brazil', 'Kenya', 'Australia'];
const counts = { billing: 40, shipping: 120, account: 120, product: 120 };
const langs = ['en', 'en', 'en', 'de', 'fr'];
let n = 0;
for (const [tag, templates] of Object.entries(counts).map(([t, c]) => [t, c])) {
  for (let i = 0; i < templates; i++) {
    n++;
    const [q, a] = topics[tag][i % topics[tag].length];
    const plan = plans[Math.floor(i / topics[tag].length) % plans.length];
    const region = regions[i % regions.length];
    const input = `Ticket ${1000 + n}: ${q.replace('{plan}', plan).replace('{region}', region)}`;

    const row = {
      id: `${tag}-${String(i + 1).padStart(3, '0')}`,
      input,
      expected: a,
      tags: [tag],
      vars: { plan },
      metadata: { lang: langs[n % langs.length] },
    };
    process.stdout.write(`${JSON.stringify(row)}\n`);
  }
}
