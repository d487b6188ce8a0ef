import { parentPort, workerData } from 'node:worker_threads';
import bcrypt from 'bcryptjs';

/** Run in a worker thread by passwords.ts: compares one password with one bcrypt hash (made before scrypt) and answers true or false. */
const { password, hash } = workerData as { password: string; hash: string };
parentPort!.postMessage(bcrypt.compareSync(password, hash));
