import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { loadCentre } from '../../src/app/index.js';
import { parseCli } from '../../src/cli/args.js';
import { centreConfigSchema } from '../../src/config/index.js';
import { at, dockerRuntime, envRefs, filesUnder, isRecord, readYaml, readYamlDocs } from '../support/deploy-files.js';

/**
 * deploy/k8s/centre: plain manifests for a monitoring centre, checked as files: every object well
 * formed, the pod locked down, probes and ports as hazgate serves them, and the ConfigMap's
 * centre.yaml accepted by hazgate's own loader.
 */

const DIR = 'deploy/k8s/centre';
const objects = filesUnder(DIR).filter((f) => f.endsWith('.yaml') && !f.endsWith('kustomization.yaml')).flatMap((f) => readYamlDocs(f).map((doc) => ({ file: f, doc })));
const byKind = (kind: string): unknown => objects.find((o) => at(o.doc, 'kind') === kind)?.doc;
const statefulSet = byKind('StatefulSet');
const pod = at(statefulSet, 'spec', 'template', 'spec');
const container = at(pod, 'containers', 0);
const configMap = byKind('ConfigMap');
const centreYaml = String(at(configMap, 'data', 'centre.yaml'));
const secretKeys = Object.keys((at(byKind('Secret'), 'stringData') as Record<string, string> | undefined) ?? {});
const tmp = mkdtempSync(join(tmpdir(), 'hg-k8s-'));

function loadConfigMap(env: Record<string, string>): ReturnType<typeof loadCentre> {
  for (const [k, v] of Object.entries(env)) vi.stubEnv(k, v);
  const file = join(tmp, 'centre.yaml');
  writeFileSync(file, centreYaml);
  return loadCentre(file);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('deploy/k8s/centre', () => {
  it('holds well-formed objects in one namespace', () => {
    const namespace = at(byKind('Namespace'), 'metadata', 'name');
    expect(objects.map((o) => at(o.doc, 'kind')).sort()).toEqual(['ConfigMap', 'Namespace', 'NetworkPolicy', 'Secret', 'Service', 'StatefulSet']);
    for (const { file, doc } of objects) {
      expect(typeof at(doc, 'apiVersion'), file).toBe('string');
      expect(String(at(doc, 'metadata', 'name')), file).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      if (at(doc, 'kind') !== 'Namespace') expect(at(doc, 'metadata', 'namespace'), file).toBe(namespace);
    }
  });

  it('applies everything but the Secret with kustomize (the Secret is made with real values)', () => {
    const resources = at(readYaml(`${DIR}/kustomization.yaml`), 'resources') as string[];
    expect(resources.map((r) => `${DIR}/${r}`).sort()).toEqual(objects.filter((o) => at(o.doc, 'kind') !== 'Secret').map((o) => o.file).sort());
  });

  it('runs one centre on one volume: a StatefulSet of 1 with a claim template', () => {
    expect(at(statefulSet, 'spec', 'replicas')).toBe(1);
    expect(at(statefulSet, 'spec', 'volumeClaimTemplates', 0, 'spec', 'accessModes')).toEqual(['ReadWriteOnce']);
    const labels = at(statefulSet, 'spec', 'selector', 'matchLabels');
    expect(at(statefulSet, 'spec', 'template', 'metadata', 'labels')).toMatchObject(labels as object);
    expect(at(byKind('Service'), 'spec', 'selector')).toEqual(labels);
    expect(at(byKind('NetworkPolicy'), 'spec', 'podSelector', 'matchLabels')).toEqual(labels);
  });

  it('locks the pod down: non-root as the image\'s user, read-only root, no capabilities, RuntimeDefault seccomp', () => {
    const uid = dockerRuntime().uid;
    expect(at(pod, 'securityContext')).toMatchObject({ runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: 'RuntimeDefault' } });
    expect(at(container, 'securityContext')).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(at(pod, 'automountServiceAccountToken')).toBe(false);
    const mounts = at(container, 'volumeMounts') as { name: string; mountPath: string }[];
    expect(mounts.find((m) => m.mountPath === '/tmp')?.name).toBe('tmp');
    expect(at((at(pod, 'volumes') as unknown[]).find((v) => at(v, 'name') === 'tmp'), 'emptyDir')).toBeDefined();
    expect(at(container, 'resources', 'requests', 'memory')).toBeDefined();
    expect(at(container, 'resources', 'limits', 'memory')).toBeDefined();
  });

  it('probes /healthz and /readyz on the port the centre config listens on (the centre default)', () => {
    const out = loadConfigMap(Object.fromEntries(secretKeys.map((k) => [k, `dummy-${k.toLowerCase()}-0123456789`])));
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    const port = at(container, 'ports', 0);
    expect(at(port, 'containerPort')).toBe(out.config.server.port);
    expect(out.config.server.port).toBe(centreConfigSchema.parse({}).server.port);
    expect(at(container, 'livenessProbe', 'httpGet')).toEqual({ path: '/healthz', port: at(port, 'name') });
    expect(at(container, 'startupProbe', 'httpGet')).toEqual({ path: '/healthz', port: at(port, 'name') });
    expect(at(container, 'readinessProbe', 'httpGet')).toEqual({ path: '/readyz', port: at(port, 'name') });
    expect(at(byKind('Service'), 'spec', 'ports', 0)).toMatchObject({ port: out.config.server.port, targetPort: at(port, 'name') });
    expect(at(byKind('NetworkPolicy'), 'spec', 'ingress', 0, 'ports', 0, 'port')).toBe(out.config.server.port);
    expect(out.config.server.host).toBe('0.0.0.0');
  });

  it('runs hazgate centre on the mounted config, its store on the volume', () => {
    const out = loadConfigMap(Object.fromEntries(secretKeys.map((k) => [k, `dummy-${k.toLowerCase()}-0123456789`])));
    if (!out.ok) throw new Error(JSON.stringify(out.problems));
    const args = parseCli(at(container, 'args') as string[], {});
    expect(args.command).toBe('centre');
    const mounts = at(container, 'volumeMounts') as { name: string; mountPath: string }[];
    const configVolume = (at(pod, 'volumes') as unknown[]).find((v) => at(v, 'configMap', 'name') === at(configMap, 'metadata', 'name'));
    expect(args.config).toBe(`${mounts.find((m) => m.name === at(configVolume, 'name'))?.mountPath ?? '?'}/centre.yaml`);
    expect(out.config.store.dir).toBe(mounts.find((m) => m.name === at(statefulSet, 'spec', 'volumeClaimTemplates', 0, 'metadata', 'name'))?.mountPath);
    expect(at(container, 'envFrom', 0, 'secretRef', 'name')).toBe(at(byKind('Secret'), 'metadata', 'name'));
  });

  it('takes each ${NAME} of centre.yaml from the Secret, whose placeholders the centre refuses', () => {
    const needed = envRefs(centreYaml, 'read').filter((r) => r.form === 'plain').map((r) => r.name);
    expect(secretKeys.sort()).toEqual([...new Set(needed)].sort());
    const placeholders = at(byKind('Secret'), 'stringData') as Record<string, string>;
    const out = loadConfigMap(placeholders);
    expect(out.ok).toBe(false);
    expect(isRecord(placeholders) && Object.values(placeholders).every((v) => v === 'REPLACE_ME')).toBe(true);
  });
});
