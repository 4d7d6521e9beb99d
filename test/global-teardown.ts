import { removeBystanders } from './helpers/bystanders';

/** After every test: the bystanders global setup started go (by id), and nothing else. */
export default async function globalTeardown(): Promise<void> {
  await removeBystanders();
}
