import { describe, expect, it } from 'vitest';
import { browsePathProblems, effectiveLimit, parseBrowsePath, parseOpcuaAdapterConfig, partition, qualityOfStatus, readingOf, type DataValueLike } from '../../adapters/opcua/index.js';
import { parseCli } from '../../src/cli/args.js';

describe('qualityOfStatus', () => {
  it.each([
    [0x00000000, 'Good', { level: 'good' }],
    [0x00a20000, 'GoodLocalOverride', { level: 'good' }],
    [0x40920000, 'UncertainSubNormal', { level: 'uncertain', reason: 'UncertainSubNormal' }],
    [0x408f0000, 'UncertainLastUsableValue', { level: 'uncertain', reason: 'UncertainLastUsableValue' }],
    [0x808c0000, 'BadSensorFailure', { level: 'bad', reason: 'BadSensorFailure' }],
    [0x80050000, 'BadCommunicationError', { level: 'bad', reason: 'BadCommunicationError' }],
    [0x80340000, 'BadNodeIdUnknown', { level: 'bad', reason: 'BadNodeIdUnknown' }],
    // Reserved severity 11 is treated as bad; a code without a name keeps its hex value.
    [0xc0000000, undefined, { level: 'bad', reason: '0xC0000000' }],
    [0x80ab0000, 'UnknownStatusCode', { level: 'bad', reason: '0x80AB0000' }],
  ] as const)('0x%s %s', (code, name, quality) => {
    expect(qualityOfStatus(code, name)).toEqual(quality);
  });
});

describe('readingOf', () => {
  const at = new Date(Date.UTC(2026, 10, 28, 12));
  const dv = (over: Partial<DataValueLike>): DataValueLike => ({ value: { value: 12.5, dataType: 11 }, statusCode: { value: 0, name: 'Good' }, sourceTimestamp: at, serverTimestamp: new Date(at.getTime() + 5), ...over });

  it('keeps the source timestamp, else the server timestamp, and says which', () => {
    expect(readingOf(dv({}), 'ua', 'P', 'ns=1;s=P', undefined)).toEqual({ source: 'ua', pointId: 'P', value: 12.5, origin: 'ns=1;s=P', ts: at.getTime(), tsSource: 'device' });
    expect(readingOf(dv({ sourceTimestamp: null }), 'ua', 'P', 'o', undefined)).toMatchObject({ ts: at.getTime() + 5, tsSource: 'server' });
    // node-opcua's "no timestamp" is a 1601 date: the pipeline stamps the receive time then.
    const none = readingOf(dv({ sourceTimestamp: new Date(-11644473600000), serverTimestamp: null }), 'ua', 'P', 'o', undefined);
    expect(none.ts).toBeUndefined();
  });

  it('gives a bad status without value the last value, flagged', () => {
    const r = readingOf(dv({ value: { value: null }, statusCode: { value: 0x808c0000, name: 'BadSensorFailure' } }), 'ua', 'P', 'o', 40);
    expect(r).toMatchObject({ value: 40, quality: { level: 'bad', reason: 'BadSensorFailure' } });
  });

  it('joins 64-bit integers and passes wrong types on for the pipeline to refuse', () => {
    expect(readingOf(dv({ value: { value: [1, 5], dataType: 8 } }), 'ua', 'P', 'o', undefined).value).toBe(2 ** 32 + 5);
    expect(readingOf(dv({ value: { value: [0xffffffff, 0xfffffffe], dataType: 8 } }), 'ua', 'P', 'o', undefined).value).toBe(-2);
    expect(readingOf(dv({ value: { value: 'text', dataType: 12 } }), 'ua', 'P', 'o', undefined).value).toBe('text');
  });
});

describe('partition', () => {
  it('splits by subscription and call limits, in order', () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    expect(partition(items, 5, 2)).toEqual([[[0, 1], [2, 3], [4]], [[5, 6]]]);
    expect(partition([], 5, 2)).toEqual([]);
    expect(() => partition(items, 0, 2)).toThrow(RangeError);
  });

  it('takes the lower limit; a server limit of 0 means none', () => {
    expect(effectiveLimit(5000, 1000)).toBe(1000);
    expect(effectiveLimit(5000, 0)).toBe(5000);
    expect(effectiveLimit(5000, undefined)).toBe(5000);
  });
});

describe('browse paths', () => {
  it('parses namespace indexes and refuses malformed paths', () => {
    expect(parseBrowsePath('/Objects/2:Plant/2:GT-101')).toEqual([
      { namespaceIndex: 0, name: 'Objects' },
      { namespaceIndex: 2, name: 'Plant' },
      { namespaceIndex: 2, name: 'GT-101' },
    ]);
    expect(browsePathProblems('Objects/Plant')).toHaveLength(1);
    expect(browsePathProblems('/Objects//GT')).toEqual(['browse path "/Objects//GT" has an empty element']);
  });
});

describe('OPC UA adapter config', () => {
  const base = { kind: 'opcua', id: 'ua', endpointUrl: 'opc.tcp://127.0.0.1:4840', subscriptions: [{ items: [{ point: 'P', nodeId: 'ns=1;s=P' }] }] };
  const problems = (over: object): string => {
    try {
      parseOpcuaAdapterConfig({ ...base, ...over });
      return '';
    } catch (e) {
      return (e as Error).message;
    }
  };

  it('defaults to None/None, anonymous, 1 s publishing', () => {
    const c = parseOpcuaAdapterConfig(base);
    expect(c).toMatchObject({ securityPolicy: 'None', securityMode: 'None', user: { type: 'anonymous' }, subscriptions: [{ publishingInterval: 1000 }] });
  });

  it.each([
    [{ securityPolicy: 'Basic256Sha256' }, 'securityPolicy None goes with securityMode None'],
    [{ user: { type: 'username', username: 'op', password: 'x' } }, 'a username and password need a securityPolicy other than None'],
    [{ endpointUrl: 'http://x' }, 'an endpoint is opc.tcp://'],
    [{ subscriptions: [{ items: [{ point: 'P' }] }] }, 'exactly one of nodeId or browsePath'],
    [{ subscriptions: [{ items: [{ point: 'P', nodeId: 'GT-101' }] }] }, 'a NodeId looks like'],
    [{ subscriptions: [{ items: [{ point: 'P', nodeId: 'ns=1;s=A' }, { point: 'P', nodeId: 'ns=1;s=B' }] }] }, 'point "P" is already fed by subscriptions[0].items[0]'],
    [{ subscriptions: [{ items: [{ point: 'P', nodeId: 'ns=1;s=A', deadband: { type: 'percent', value: 150 } }] }] }, 'a percent deadband is 0..100'],
  ])('refuses %j', (over, message) => {
    expect(problems(over)).toContain(message);
  });
});

describe('hazgate pki arguments', () => {
  it('needs an adapter and exactly one choice to trust', () => {
    expect(parseCli(['pki', 'list', '--config', 's.yaml'], {}).pki).toEqual({ action: 'list', all: false });
    expect(parseCli(['pki', 'trust', '--config', 's.yaml', '--adapter', 'ua', '--all'], {}).pki).toEqual({ action: 'trust', all: true, adapter: 'ua' });
    expect(() => parseCli(['pki', 'trust', '--config', 's.yaml', '--all'], {})).toThrow(/--adapter/);
    expect(() => parseCli(['pki', 'trust', '--config', 's.yaml', '--adapter', 'ua'], {})).toThrow(/exactly one/);
    expect(() => parseCli(['pki', 'burn', '--config', 's.yaml'], {})).toThrow(/list or trust/);
  });
});
