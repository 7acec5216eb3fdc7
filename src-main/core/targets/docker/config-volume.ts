/**
 * The runtime config bundle (spec.json, runtime.json, keys.json, secrets.json) as a Docker volume
 * per deployment, mounted read-only at /etc/agentdock in every replica.
 *
 * Why a volume and not a bind mount of the controller's config dir: secrets.json is mode 0600 and
 * owned by whoever runs the console (often root on servers), while replicas run as uid 10001, so a
 * bind mount is unreadable to the runtime unless the host files are chowned (root only) or the
 * container runs as the host user (root again, on servers). A volume filled through the engine's
 * archive API gets files owned by 10001 (secrets 0400), works the same for rootful, rootless and
 * remote engines, and never touches an image layer. Rotation re-copies the files, then SIGUSR1.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type Dockerode from 'dockerode';
import { CONTAINER_USER } from '../../build/docker-image';
import { LABELS } from './labels';

const UID = Number(CONTAINER_USER);

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A POSIX ustar archive of flat files (names < 100 bytes), each owned by uid/gid 10001. */
export function tarOfFiles(files: { name: string; mode: number; content: Buffer }[], mtimeSeconds: number): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    if (Buffer.byteLength(file.name) >= 100 || file.name.includes('/')) throw new Error(`config file name not supported in the bundle: ${file.name}`);
    const header = Buffer.alloc(512);
    header.write(file.name, 0, 100, 'utf8');
    header.write(octal(file.mode, 8), 100, 8, 'ascii');
    header.write(octal(UID, 8), 108, 8, 'ascii');
    header.write(octal(UID, 8), 116, 8, 'ascii');
    header.write(octal(file.content.length, 12), 124, 12, 'ascii');
    header.write(octal(Math.floor(mtimeSeconds), 12), 136, 12, 'ascii');
    header.write('        ', 148, 8, 'ascii');
    header.write('0', 156, 1, 'ascii');
    header.write('ustar\0', 257, 6, 'ascii');
    header.write('00', 263, 2, 'ascii');
    header.write('agentdock', 265, 32, 'ascii');
    header.write('agentdock', 297, 32, 'ascii');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'ascii');
    blocks.push(header, file.content, Buffer.alloc((512 - (file.content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** The bundle's regular files, secrets (no group/other read on the host) as 0400, the rest 0444. */
export function readConfigFiles(configDir: string): { name: string; mode: number; content: Buffer }[] {
  return readdirSync(configDir)
    .filter((name) => statSync(path.join(configDir, name)).isFile())
    .sort()
    .map((name) => {
      const full = path.join(configDir, name);
      const private_ = (statSync(full).mode & 0o044) === 0;
      return { name, mode: private_ ? 0o400 : 0o444, content: readFileSync(full) };
    });
}

/** Creates the volume if needed (labelled as the deployment's) and copies the bundle into it. */
export async function syncConfigVolume(
  docker: Dockerode,
  options: { volume: string; image: string; configDir: string; labels: Record<string, string>; now: Date },
): Promise<void> {
  await docker.createVolume({ Name: options.volume, Labels: { ...options.labels, [LABELS.role]: 'config' } });
  // A container that is created, never started: the archive API needs a container to reach the
  // volume through. No network, no command that could run.
  const helper = await docker.createContainer({
    Image: options.image,
    Entrypoint: ['node'],
    Cmd: ['-e', '0'],
    Labels: { ...options.labels, [LABELS.role]: 'config' },
    HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: options.volume, Target: '/agentdock-config' }] },
  });
  try {
    const archive = tarOfFiles(readConfigFiles(options.configDir), options.now.getTime() / 1000);
    await helper.putArchive(archive, { path: '/agentdock-config' });
  } finally {
    await helper.remove({ force: true });
  }
}
