import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { pushReport, readMetricsExport } from '../../src/export/export.js';
import { parseRunLabels } from '../../src/export/labels.js';
import {
  groupingPath,
  maskUrl,
  parsePushgatewayUrl,
  pushMetrics,
} from '../../src/export/pushgateway.js';
import { startLoopback } from '../helpers/loopback.js';
import { makeReport } from '../report/fixture.js';

function inputError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
  throw new Error('no error');
}

describe('parsePushgatewayUrl', () => {
  it('takes credentials out of the URL into a Basic header and masks them when shown', () => {
    const t = parsePushgatewayUrl('https://ci:p%40ss-w0rd@push.example:9091/gw/', '--pushgateway');
    expect(t.base).toBe('https://push.example:9091/gw');
    expect(t.shown).toBe('https://***@push.example:9091/gw');
    expect(t.authorization).toBe(`Basic ${Buffer.from('ci:p@ss-w0rd').toString('base64')}`);
    expect(t.secrets).toContain('p@ss-w0rd');
    expect(parsePushgatewayUrl('http://gw:9091', 'x').authorization).toBeUndefined();
  });

  it('never prints a password, even in a URL that does not parse', () => {
    expect(maskUrl('http://u:secret-pw@[bad')).toBe('http://***@[bad');
    const m = inputError(() => parsePushgatewayUrl('http://u:secret-pw@[bad', '--pushgateway'));
    expect(m).toContain('--pushgateway');
    expect(m).not.toContain('secret-pw');
  });
});

describe('run labels and grouping', () => {
  it('builds /metrics/job/<job>/<label>/<value> in label order, base64 where a value has a slash', () => {
    const g = parseRunLabels(['service=support bot', 'job=nightly', 'branch=feat/x'], 'f');
    expect(g).toEqual({ job: 'nightly', labels: { service: 'support bot', branch: 'feat/x' } });
    expect(groupingPath(g)).toBe(
      `/metrics/job/nightly/branch@base64/${Buffer.from('feat/x').toString('base64url')}/service/support%20bot`,
    );
    expect(groupingPath(parseRunLabels([], 'f'))).toBe('/metrics/job/evalgate');
  });

  it.each([
    ['noequals', /give key=value/],
    ['1x=a', /letters, digits and underscores/],
    ['__name__=a', /reserved by Prometheus/],
    ['slice=a', /sets the label "slice" itself/],
    ['service=', /the value is empty/],
    ['service=a\nb', /one line/],
  ])('%j is bad input', (item, says) => {
    expect(inputError(() => parseRunLabels([item], '--metrics-label'))).toMatch(says);
  });

  it('refuses a label given twice, and labels with nowhere to go', () => {
    expect(inputError(() => parseRunLabels(['a=1', 'a=2'], 'f'))).toMatch(/given twice/);
    expect(inputError(() => parseRunLabels(['job=a', 'job=b'], 'f'))).toMatch(/given twice/);
    expect(
      inputError(() =>
        readMetricsExport({ labels: { values: ['a=1'], field: '--metrics-label' } }),
      ),
    ).toMatch(/--metrics-label: run labels need somewhere to go/);
    expect(readMetricsExport({})).toBeUndefined();
  });
});

describe('pushMetrics', () => {
  it('PUTs the text as Prometheus text with the Basic header, to the group path', async () => {
    const gw = await startLoopback((_, res) => {
      res.writeHead(200).end();
    });
    try {
      const url = gw.url.replace('http://', 'http://ci:pw-1234@');
      const exp = readMetricsExport({
        pushgateway: { value: url, field: '--pushgateway' },
        labels: { values: ['service=bot'], field: '--metrics-label' },
      })!;
      const warnings: string[] = [];
      expect(await pushReport(makeReport(), exp, (m) => warnings.push(m))).toBe(true);
      expect(warnings).toEqual([]);
      const [req] = gw.requests;
      expect(req!.method).toBe('PUT');
      expect(req!.path).toBe('/metrics/job/evalgate/service/bot');
      expect(req!.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(req!.headers.authorization).toBe(
        `Basic ${Buffer.from('ci:pw-1234').toString('base64')}`,
      );
      expect(req!.body).toContain('evalgate_decision{service="bot",state="fail"} 1');
    } finally {
      await gw.close();
    }
  });

  it('an error answer is a warning naming the status and the masked URL, never the password', async () => {
    // The reply echoes the password back, as a misconfigured proxy might.
    const gw = await startLoopback((_, res) => {
      res.writeHead(400).end('bad push from pw-1234: \u001b[31mred');
    });
    try {
      const exp = readMetricsExport({
        pushgateway: { value: gw.url.replace('http://', 'http://ci:pw-1234@'), field: 'x' },
      })!;
      const warnings: string[] = [];
      expect(await pushReport(makeReport(), exp, (m) => warnings.push(m))).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(
        `the Pushgateway at ${gw.url.replace('http://', 'http://***@')}/metrics/job/evalgate answered 400`,
      );
      expect(warnings[0]).toContain('the report and the verdict stand');
      expect(warnings[0]).not.toContain('pw-1234');
      expect(warnings[0]).not.toContain('\u001b');
    } finally {
      await gw.close();
    }
  });

  it('a one-letter password is not masked inside every word of the warning', async () => {
    const gw = await startLoopback((_, res) => {
      res.writeHead(500).end('bad gateway: broken backend');
    });
    try {
      const exp = readMetricsExport({
        pushgateway: { value: gw.url.replace('http://', 'http://a:b@'), field: 'x' },
      })!;
      const warnings: string[] = [];
      expect(await pushReport(makeReport(), exp, (m) => warnings.push(m))).toBe(false);
      expect(warnings[0]).toContain('/metrics/job/evalgate answered 500');
      expect(warnings[0]).toContain('broken backend');
    } finally {
      await gw.close();
    }
  });

  it('refuses to follow a redirect (it would carry the credentials elsewhere)', async () => {
    const gw = await startLoopback((_, res) => {
      res.writeHead(307, { location: 'http://127.0.0.1:1/' }).end();
    });
    try {
      const t = parsePushgatewayUrl(gw.url, 'x');
      await expect(pushMetrics(t, '# EOF\n', parseRunLabels([], 'f'))).rejects.toThrow(
        /answered 307 \(a redirect; give the final URL\)/,
      );
      expect(gw.requests).toHaveLength(1);
    } finally {
      await gw.close();
    }
  });

  it('a Pushgateway that never answers is given up on (bounded), not waited on forever', async () => {
    const gw = await startLoopback(() => {});
    try {
      const t = parsePushgatewayUrl(gw.url, 'x');
      await expect(
        pushMetrics(t, '# EOF\n', parseRunLabels([], 'f'), { timeoutMs: 300 }),
      ).rejects.toThrow(/no answer within 0.3 s/);
    } finally {
      await gw.close();
    }
  });
});
