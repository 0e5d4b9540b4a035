// npm run proto: writes the .proto of every contract (committed; a test fails when they drift).
import fs from 'node:fs';
import path from 'node:path';
import { renderProto } from '../targets/kit/proto.js';
import { SERVICES } from '../targets/services.js';

export const PROTO_DIR = 'targets/contracts/proto';

export function protoFiles(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const contract of SERVICES.contracts) files[`${contract.domain}/${contract.name}.proto`] = renderProto(contract);
  return files;
}

if (process.argv[1]?.endsWith('proto.js')) {
  for (const [file, text] of Object.entries(protoFiles())) {
    const target = path.join(PROTO_DIR, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  console.log(`wrote ${Object.keys(protoFiles()).length} files under ${PROTO_DIR}/`);
}
