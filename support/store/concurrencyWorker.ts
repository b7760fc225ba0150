// Child of concurrency.test: writes its own version of one record and reads whatever is there.
import { newRecord } from '../../src/store/statusRecord.js';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';

const [dir, sha, id, rounds] = process.argv.slice(2) as [string, string, string, string];
const store = new FileStatusStore(dir);
let reads = 0;
let torn = 0;
let missing = 0;
for (let i = 0; i < Number(rounds); i++) {
  // A long message makes a torn write likely if writes were not atomic.
  await store.write(
    newRecord({ sha, polls: i, message: `writer ${id} `.repeat(200 + Number(id)) }, new Date().toISOString()),
  );
  const read = await store.read(sha);
  reads++;
  if (read.status === 'corrupt') torn++;
  if (read.status === 'missing') missing++;
}
process.stdout.write(JSON.stringify({ reads, torn, missing }));
