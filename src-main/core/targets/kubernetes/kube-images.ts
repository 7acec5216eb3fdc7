/**
 * The image a Kubernetes deployment runs. Built from the version's bundle with the local Docker
 * engine (the same content-addressed build as the Docker target, so a version is built once),
 * then either pushed to a registry from Settings (credentials from the vault; the pods get an
 * imagePullSecret) or, without a registry, left in the local engine for local clusters (kind,
 * minikube, Docker Desktop, k3d import it or share the engine) with `imagePullPolicy: IfNotPresent`.
 * A version that already names an image (built elsewhere, e.g. in CI) is used as it is.
 */
import { createHash } from 'node:crypto';
import type Dockerode from 'dockerode';
import { buildImage, defaultBaseImages } from '../../build/docker-image';
import type { BuildArtifact, ProgressEvent } from '../../contracts';
import { CoreError, errorMessage } from '../../contracts';

export interface RegistryLogin {
  /** host[:port][/path], as Settings stores it. */
  url: string;
  username?: string;
  password?: string;
}

export interface ImageRequest {
  artifact: BuildArtifact;
  version: string;
  registry?: RegistryLogin;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

export interface ResolvedImage {
  ref: string;
  pullPolicy: 'IfNotPresent' | 'Never' | 'Always';
  /** A kubernetes.io/dockerconfigjson Secret the pods need to pull it. */
  pullSecret?: { name: string; dockerConfigJson: string };
}

export type ImageSource = (request: ImageRequest) => Promise<ResolvedImage>;

/** The pull Secret's name for a registry: stable per registry URL, so agents in a namespace share it. */
export function pullSecretName(registryUrl: string): string {
  return `agentdock-registry-${createHash('sha256').update(registryUrl).digest('hex').slice(0, 10)}`;
}

/** `.dockerconfigjson` for one registry login. */
export function dockerConfigJson(login: RegistryLogin): string {
  const host = login.url.split('/')[0]!;
  const auth = Buffer.from(`${login.username ?? ''}:${login.password ?? ''}`).toString('base64');
  return JSON.stringify({ auths: { [host]: { username: login.username ?? '', password: login.password ?? '', auth } } });
}

/** Builds with the local engine; pushes when a registry is given. */
export function dockerImageSource(docker: Dockerode, baseImages: () => Partial<Record<BuildArtifact['language'], { baseImage: string; nodeImage?: string }>> = () => ({})): ImageSource {
  return async (request) => {
    const { artifact } = request;
    if (artifact.image) return { ref: artifact.image.ref, pullPolicy: 'IfNotPresent' };
    const base = baseImages()[artifact.language] ?? defaultBaseImages(artifact.language);
    let built: { ref: string };
    try {
      built = await buildImage(docker, artifact, { ...base, version: request.version, ...(request.onProgress ? { onProgress: request.onProgress } : {}), ...(request.signal ? { signal: request.signal } : {}) });
    } catch (error) {
      if (error instanceof CoreError) throw error;
      const unreachable = /ECONNREFUSED|ENOENT|connect/i.test(errorMessage(error));
      throw new CoreError(
        unreachable ? 'E2020' : 'E2002',
        unreachable
          ? `Building the image for Kubernetes needs a Docker engine, and none answers (${errorMessage(error)}). Start Docker, or deploy a version whose image was built elsewhere.`
          : `Building the image of ${artifact.agent} failed: ${errorMessage(error)}`,
      );
    }
    if (!request.registry) return { ref: built.ref, pullPolicy: 'IfNotPresent' };
    return pushImage(docker, built.ref, { ...request, registry: request.registry });
  };
}

async function pushImage(docker: Dockerode, localRef: string, request: ImageRequest & { registry: RegistryLogin }): Promise<ResolvedImage> {
  const { registry } = request;
  const [repository, tag] = splitRef(localRef);
  const remoteRepo = `${registry.url.replace(/\/+$/, '')}/${repository}`;
  const remoteRef = `${remoteRepo}:${tag}`;
  request.onProgress?.({ phase: 'pushing', message: `pushing ${remoteRef}` });
  const image = docker.getImage(localRef);
  await image.tag({ repo: remoteRepo, tag });
  const authconfig = registry.username !== undefined ? { username: registry.username, password: registry.password ?? '', serveraddress: registry.url.split('/')[0]! } : undefined;
  try {
    const stream = await docker.getImage(remoteRef).push({ tag, ...(authconfig ? { authconfig } : {}) });
    await new Promise<void>((resolve, reject) => {
      docker.modem.followProgress(
        stream,
        (error: Error | null, output: { error?: string; errorDetail?: { message?: string } }[]) => {
          const failed = error ?? output.find((entry) => entry.error || entry.errorDetail);
          if (failed) reject(new Error(failed instanceof Error ? failed.message : (failed.errorDetail?.message ?? failed.error)));
          else resolve();
        },
        (event: { status?: string; id?: string; progress?: string }) => {
          if (event.status && !event.progress) request.onProgress?.({ phase: 'pushing', message: `${event.id ? `${event.id}: ` : ''}${event.status}` });
        },
      );
    });
  } catch (error) {
    const message = errorMessage(error);
    const denied = /denied|unauthorized|authentication required|401|403/i.test(message);
    throw new CoreError(
      'E2021',
      denied
        ? `Pushing ${remoteRef} was refused by ${registry.url}: ${message}. Check the registry's username and password in Settings → Registries.`
        : `Pushing ${remoteRef} to ${registry.url} failed: ${message}. Is the registry reachable from this machine (and trusted by the Docker engine, for a plain-HTTP registry)?`,
    );
  }
  request.onProgress?.({ phase: 'pushing', message: `pushed ${remoteRef}` });
  return {
    ref: remoteRef,
    pullPolicy: 'IfNotPresent',
    ...(registry.username !== undefined ? { pullSecret: { name: pullSecretName(registry.url), dockerConfigJson: dockerConfigJson(registry) } } : {}),
  };
}

function splitRef(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? [ref.slice(0, colon), ref.slice(colon + 1)] : [ref, 'latest'];
}
