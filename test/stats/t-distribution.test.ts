// Reference values computed with scipy 1.17.1 on the development machine; each row cites the exact
// call. CI runs without Python.
import { describe, expect, it } from 'vitest';
import { normalCdf } from '../../src/stats/normal-cdf.js';
import { normalQuantile } from '../../src/stats/normal-quantile.js';
import { tCdf } from '../../src/stats/t-cdf.js';
import { tQuantile } from '../../src/stats/t-quantile.js';
import { tSurvival } from '../../src/stats/t-survival.js';
import { expectClose } from './close.js';

// [t, df, P(T <= t)]
const CDF: ReadonlyArray<readonly [number, number, number]> = [
  [-3, 1, 0.10241638234956672], // scipy.stats.t.cdf(-3, 1)
  [-1e10, 1, 3.183098861837907e-11], // scipy.stats.t.cdf(-1e10, 1)
  [0.5, 1, 0.6475836176504333], // scipy.stats.t.cdf(0.5, 1)
  [10, 1, 0.9682744825694465], // scipy.stats.t.cdf(10, 1)
  [-2, 0.5, 0.22275744509156564], // scipy.stats.t.cdf(-2, 0.5)
  [-1.5, 2.5, 0.12391822654314809], // scipy.stats.t.cdf(-1.5, 2.5)
  [1.8124611228107335, 10, 0.949999999999923], // scipy.stats.t.cdf(1.8124611228107335, 10)
  [-6, 30, 6.971384383602382e-7], // scipy.stats.t.cdf(-6, 30)
  [-50, 3, 8.808576020635984e-6], // scipy.stats.t.cdf(-50, 3)
  [-4, 1e5, 3.1693998778597706e-5], // scipy.stats.t.cdf(-4, 1e5)
  [-5, 1e6, 2.8669989354453723e-7], // scipy.stats.t.cdf(-5, 1e6)
  [0.1, 1e6, 0.5398278272539784], // scipy.stats.t.cdf(0.1, 1e6)
  [-0.001, 7, 0.4996150086224994], // scipy.stats.t.cdf(-0.001, 7)
  [-40, 2, 0.0003122073360923703], // scipy.stats.t.cdf(-40, 2)
  [-12, 1e3, 2.1620286933872145e-31], // scipy.stats.t.cdf(-12, 1e3)
];

// [t, df, P(T > t)]
const SURVIVAL: ReadonlyArray<readonly [number, number, number]> = [
  [40, 2, 0.0003122073360923703], // scipy.stats.t.sf(40, 2)
  [8, 1e6, 6.227531716601252e-16], // scipy.stats.t.sf(8, 1e6)
  [3, 1, 0.10241638234956672], // scipy.stats.t.sf(3, 1)
  [-2, 5, 0.9490302605850708], // scipy.stats.t.sf(-2, 5)
  [1e6, 4, 2.99999999998e-24], // scipy.stats.t.sf(1e6, 4)
];

// [p, df, t_p]
const QUANTILE: ReadonlyArray<readonly [number, number, number]> = [
  [1e-12, 1, -318309886183.7907], // scipy.stats.t.ppf(1e-12, 1)
  [1e-6, 1, -318309.8861827435], // scipy.stats.t.ppf(1e-6, 1)
  [0.025, 1, -12.706204736174705], // scipy.stats.t.ppf(0.025, 1)
  [0.05, 1, -6.313751514675044], // scipy.stats.t.ppf(0.05, 1)
  [0.3, 1, -0.7265425280053609], // scipy.stats.t.ppf(0.3, 1)
  [0.95, 1, 6.313751514675037], // scipy.stats.t.ppf(0.95, 1)
  [0.975, 1, 12.706204736174694], // scipy.stats.t.ppf(0.975, 1)
  [0.999, 1, 318.30883898555015], // scipy.stats.t.ppf(0.999, 1)
  [1 - 1e-12, 1, 318316927901.77966], // scipy.stats.t.ppf(1 - 1e-12, 1)
  [1e-12, 2, -707106.7811854869], // scipy.stats.t.ppf(1e-12, 2)
  [1e-6, 2, -707.1057205259339], // scipy.stats.t.ppf(1e-6, 2)
  [0.025, 2, -4.302652729749464], // scipy.stats.t.ppf(0.025, 2)
  [0.05, 2, -2.9199855803537256], // scipy.stats.t.ppf(0.05, 2)
  [0.3, 2, -0.6172133998483678], // scipy.stats.t.ppf(0.3, 2)
  [0.95, 2, 2.9199855803537242], // scipy.stats.t.ppf(0.95, 2)
  [0.975, 2, 4.302652729749462], // scipy.stats.t.ppf(0.975, 2)
  [0.999, 2, 22.327124770119866], // scipy.stats.t.ppf(0.999, 2)
  [1 - 1e-12, 2, 707114.602524408], // scipy.stats.t.ppf(1 - 1e-12, 2)
  [1e-12, 3, -10331.108244292487], // scipy.stats.t.ppf(1e-12, 3)
  [1e-6, 3, -103.29946778041935], // scipy.stats.t.ppf(1e-6, 3)
  [0.025, 3, -3.1824463052837086], // scipy.stats.t.ppf(0.025, 3)
  [0.05, 3, -2.353363434801824], // scipy.stats.t.ppf(0.05, 3)
  [0.3, 3, -0.5843897274398188], // scipy.stats.t.ppf(0.3, 3)
  [0.95, 3, 2.3533634348018233], // scipy.stats.t.ppf(0.95, 3)
  [0.975, 3, 3.1824463052837078], // scipy.stats.t.ppf(0.975, 3)
  [0.999, 3, 10.214531852407383], // scipy.stats.t.ppf(0.999, 3)
  [1 - 1e-12, 3, 10331.184426046091], // scipy.stats.t.ppf(1 - 1e-12, 3)
  [1e-12, 4, -1316.0727465592565], // scipy.stats.t.ppf(1e-12, 4)
  [1e-6, 4, -41.577854150450975], // scipy.stats.t.ppf(1e-6, 4)
  [0.025, 4, -2.7764451051977943], // scipy.stats.t.ppf(0.025, 4)
  [0.05, 4, -2.131846786326651], // scipy.stats.t.ppf(0.05, 4)
  [0.3, 4, -0.5686490630497053], // scipy.stats.t.ppf(0.3, 4)
  [0.95, 4, 2.1318467863266495], // scipy.stats.t.ppf(0.95, 4)
  [0.975, 4, 2.7764451051977934], // scipy.stats.t.ppf(0.975, 4)
  [0.999, 4, 7.173182219782307], // scipy.stats.t.ppf(0.999, 4)
  [1 - 1e-12, 4, 1316.0800251221378], // scipy.stats.t.ppf(1 - 1e-12, 4)
  [1e-12, 5, -393.95695957760375], // scipy.stats.t.ppf(1e-12, 5)
  [1e-6, 5, -24.771029720515948], // scipy.stats.t.ppf(1e-6, 5)
  [0.025, 5, -2.5705818356363155], // scipy.stats.t.ppf(0.025, 5)
  [0.05, 5, -2.015048373333024], // scipy.stats.t.ppf(0.05, 5)
  [0.3, 5, -0.5594296444693604], // scipy.stats.t.ppf(0.3, 5)
  [0.95, 5, 2.0150483733330233], // scipy.stats.t.ppf(0.95, 5)
  [0.975, 5, 2.5705818356363146], // scipy.stats.t.ppf(0.975, 5)
  [0.999, 5, 5.893429531356009], // scipy.stats.t.ppf(0.999, 5)
  [1 - 1e-12, 5, 393.9587026499902], // scipy.stats.t.ppf(1 - 1e-12, 5)
  [1e-12, 10, -40.5320961786626], // scipy.stats.t.ppf(1e-12, 10)
  [1e-6, 10, -9.751995490940581], // scipy.stats.t.ppf(1e-6, 10)
  [0.025, 10, -2.2281388519862753], // scipy.stats.t.ppf(0.025, 10)
  [0.05, 10, -1.812461122811676], // scipy.stats.t.ppf(0.05, 10)
  [0.3, 10, -0.5415280387550154], // scipy.stats.t.ppf(0.3, 10)
  [0.95, 10, 1.8124611228116756], // scipy.stats.t.ppf(0.95, 10)
  [0.975, 10, 2.228138851986274], // scipy.stats.t.ppf(0.975, 10)
  [0.999, 10, 4.143700494046589], // scipy.stats.t.ppf(0.999, 10)
  [1 - 1e-12, 10, 40.532186343811446], // scipy.stats.t.ppf(1 - 1e-12, 10)
  [1e-12, 30, -11.397217523311413], // scipy.stats.t.ppf(1e-12, 30)
  [1e-6, 30, -5.871117120418882], // scipy.stats.t.ppf(1e-6, 30)
  [0.025, 30, -2.042272456301238], // scipy.stats.t.ppf(0.025, 30)
  [0.05, 30, -1.6972608865939574], // scipy.stats.t.ppf(0.05, 30)
  [0.3, 30, -0.5300190039065046], // scipy.stats.t.ppf(0.3, 30)
  [0.95, 30, 1.697260886593957], // scipy.stats.t.ppf(0.95, 30)
  [0.975, 30, 2.0422724563012378], // scipy.stats.t.ppf(0.975, 30)
  [0.999, 30, 3.3851848668293045], // scipy.stats.t.ppf(0.999, 30)
  [1 - 1e-12, 30, 11.397227795416011], // scipy.stats.t.ppf(1 - 1e-12, 30)
  [1e-12, 100, -8.02582559449325], // scipy.stats.t.ppf(1e-12, 100)
  [1e-6, 100, -5.048830877228346], // scipy.stats.t.ppf(1e-6, 100)
  [0.025, 100, -1.983971518523552], // scipy.stats.t.ppf(0.025, 100)
  [0.05, 100, -1.6602343260853396], // scipy.stats.t.ppf(0.05, 100)
  [0.3, 100, -0.5260762706003465], // scipy.stats.t.ppf(0.3, 100)
  [0.95, 100, 1.6602343260853392], // scipy.stats.t.ppf(0.95, 100)
  [0.975, 100, 1.9839715185235518], // scipy.stats.t.ppf(0.975, 100)
  [0.999, 100, 3.173739493738783], // scipy.stats.t.ppf(0.999, 100)
  [1 - 1e-12, 100, 8.025830060218647], // scipy.stats.t.ppf(1 - 1e-12, 100)
  [1e-12, 1000, -7.124228925314409], // scipy.stats.t.ppf(1e-12, 1000)
  [1e-6, 1000, -4.781608620458351], // scipy.stats.t.ppf(1e-6, 1000)
  [0.025, 1000, -1.9623390808264085], // scipy.stats.t.ppf(0.025, 1000)
  [0.05, 1000, -1.6463788172854648], // scipy.stats.t.ppf(0.05, 1000)
  [0.3, 1000, -0.524567707309227], // scipy.stats.t.ppf(0.3, 1000)
  [0.95, 1000, 1.6463788172854643], // scipy.stats.t.ppf(0.95, 1000)
  [0.975, 1000, 1.9623390808264083], // scipy.stats.t.ppf(0.975, 1000)
  [0.999, 1000, 3.0984021639129233], // scipy.stats.t.ppf(0.999, 1000)
  [1 - 1e-12, 1000, 7.124232127382443], // scipy.stats.t.ppf(1 - 1e-12, 1000)
  [1e-12, 1e5, -7.035371742393576], // scipy.stats.t.ppf(1e-12, 1e5)
  [1e-6, 1e5, -4.753704716391288], // scipy.stats.t.ppf(1e-6, 1e5)
  [0.025, 1e5, -1.95998770753461], // scipy.stats.t.ppf(0.025, 1e5)
  [0.05, 1e5, -1.6448688647849699], // scipy.stats.t.ppf(0.05, 1e5)
  [0.3, 1e5, -0.5244021842335457], // scipy.stats.t.ppf(0.3, 1e5)
  [0.95, 1e5, 1.6448688647849696], // scipy.stats.t.ppf(0.95, 1e5)
  [0.975, 1e5, 1.9599877075346095], // scipy.stats.t.ppf(0.975, 1e5)
  [0.999, 1e5, 3.0903138094272378], // scipy.stats.t.ppf(0.999, 1e5)
  [1 - 1e-12, 1e5, 7.035374828293038], // scipy.stats.t.ppf(1 - 1e-12, 1e5)
  [1e-12, 1e6, -7.034572608411255], // scipy.stats.t.ppf(1e-12, 1e6)
  [1e-6, 1e6, -4.75345234827968], // scipy.stats.t.ppf(1e-6, 1e6)
  [0.025, 1e6, -1.9599663568141072], // scipy.stats.t.ppf(0.025, 1e6)
  [0.05, 1e6, -1.6448551507220406], // scipy.stats.t.ppf(0.05, 1e6)
  [0.3, 1e6, -0.5244006798602092], // scipy.stats.t.ppf(0.3, 1e6)
  [0.95, 1e6, 1.6448551507220404], // scipy.stats.t.ppf(0.95, 1e6)
  [0.975, 1e6, 1.959966356814107], // scipy.stats.t.ppf(0.975, 1e6)
  [0.999, 1e6, 3.09024045631652], // scipy.stats.t.ppf(0.999, 1e6)
  [1 - 1e-12, 1e6, 7.034575693273216], // scipy.stats.t.ppf(1 - 1e-12, 1e6)
  [1e-12, 1.5, -52194694.27344636], // scipy.stats.t.ppf(1e-12, 1.5)
  [1e-6, 1.5, -5219.4693247069445], // scipy.stats.t.ppf(1e-6, 1.5)
  [0.025, 1.5, -6.016663104427933], // scipy.stats.t.ppf(0.025, 1.5)
  [0.05, 1.5, -3.7051808200967518], // scipy.stats.t.ppf(0.05, 1.5)
  [0.3, 1.5, -0.651795482602357], // scipy.stats.t.ppf(0.3, 1.5)
  [0.95, 1.5, 3.70518082009675], // scipy.stats.t.ppf(0.95, 1.5)
  [0.975, 1.5, 6.016663104427929], // scipy.stats.t.ppf(0.975, 1.5)
  [0.999, 1.5, 52.18443000899263], // scipy.stats.t.ppf(0.999, 1.5)
  [1 - 1e-12, 1.5, 52195464.0452493], // scipy.stats.t.ppf(1 - 1e-12, 1.5)
  [1e-12, 7.3, -91.09486659389755], // scipy.stats.t.ppf(1e-12, 7.3)
  [1e-6, 7.3, -13.493523060744641], // scipy.stats.t.ppf(1e-6, 7.3)
  [0.025, 7.3, -2.3450667365477034], // scipy.stats.t.ppf(0.025, 7.3)
  [0.05, 7.3, -1.8829300179564314], // scipy.stats.t.ppf(0.05, 7.3)
  [0.3, 7.3, -0.5480628979421774], // scipy.stats.t.ppf(0.3, 7.3)
  [0.95, 7.3, 1.8829300179564308], // scipy.stats.t.ppf(0.95, 7.3)
  [0.975, 7.3, 2.345066736547703], // scipy.stats.t.ppf(0.975, 7.3)
  [0.999, 7.3, 4.688865993538372], // scipy.stats.t.ppf(0.999, 7.3)
  [1 - 1e-12, 7.3, 91.0951428654748], // scipy.stats.t.ppf(1 - 1e-12, 7.3)
];

describe('tCdf', () => {
  it.each(CDF)('P(T <= %s | df = %s) = %s', (t, df, expected) => {
    expectClose(tCdf(t, df), expected, 1e-12);
  });

  it('is ½ at 0, exact at ±Infinity, normal at df = Infinity', () => {
    expect(tCdf(0, 3)).toBe(0.5);
    expect(tCdf(0, 1e6)).toBe(0.5);
    expect(tCdf(Number.NEGATIVE_INFINITY, 5)).toBe(0);
    expect(tCdf(Number.POSITIVE_INFINITY, 5)).toBe(1);
    expect(tCdf(-2.5, Number.POSITIVE_INFINITY)).toBe(normalCdf(-2.5));
  });

  it('approaches the normal CDF as df grows', () => {
    expect(Math.abs(tCdf(-2, 1e9) - normalCdf(-2))).toBeLessThan(1e-9);
  });

  it('throws on NaN t or non-positive df', () => {
    expect(() => tCdf(Number.NaN, 3)).toThrow(RangeError);
    expect(() => tCdf(1, 0)).toThrow(RangeError);
    expect(() => tCdf(1, -2)).toThrow(RangeError);
  });
});

describe('tSurvival', () => {
  it.each(SURVIVAL)('P(T > %s | df = %s) = %s', (t, df, expected) => {
    expectClose(tSurvival(t, df), expected, 1e-12);
  });

  it('keeps the tail where df/t² underflows (|t| > 1e150), where scipy returns 0', () => {
    // float(0.5 * mpmath.betainc(df/2, 0.5, 0, df/(df + t*t), regularized=True)), mp.dps = 40
    expectClose(tSurvival(1e200, 1), 3.1830988618379067e-201, 1e-13);
    expectClose(tSurvival(1e160, 0.5), 3.207009754142229e-81, 1e-13);
  });

  it('is the mirror of tCdf', () => {
    expect(tSurvival(1.7, 12)).toBe(tCdf(-1.7, 12));
  });
});

describe('tQuantile', () => {
  it.each(QUANTILE)('t(p = %s, df = %s) = %s', (p, df, expected) => {
    expectClose(tQuantile(p, df), expected, 1e-12);
  });

  it('inverts tCdf in the lower tail, for df from 1 to 1e6', () => {
    for (const df of [1, 2, 3, 9, 29, 30, 31, 250, 1e4, 1e6]) {
      for (const p of [1e-11, 1e-4, 0.01, 0.2, 0.45]) {
        expectClose(tCdf(tQuantile(p, df), df), p, 1e-11);
      }
    }
  });

  it('is antisymmetric and handles the ends', () => {
    expect(tQuantile(0.5, 7)).toBe(0);
    expect(tQuantile(0.9, 7)).toBeCloseTo(-tQuantile(0.1, 7), 13);
    expect(tQuantile(0, 7)).toBe(Number.NEGATIVE_INFINITY);
    expect(tQuantile(1, 7)).toBe(Number.POSITIVE_INFINITY);
    expect(tQuantile(0.95, Number.POSITIVE_INFINITY)).toBe(normalQuantile(0.95));
  });

  it('works for fractional df below 1 (heavy tails)', () => {
    // scipy.stats.t.ppf(0.05, 0.5) = -41.13600009287826
    expectClose(tQuantile(0.05, 0.5), -41.13600009287826, 1e-11);
  });

  it('throws on invalid arguments', () => {
    expect(() => tQuantile(-0.1, 5)).toThrow(RangeError);
    expect(() => tQuantile(1.1, 5)).toThrow(RangeError);
    expect(() => tQuantile(0.5, 0)).toThrow(RangeError);
    expect(() => tQuantile(Number.NaN, 5)).toThrow(RangeError);
  });
});
