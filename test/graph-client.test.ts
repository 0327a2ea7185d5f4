/** A real client not written here — the official Microsoft Graph JavaScript client — accepts the mock. */
import { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type MockServer, startMock } from '../mock/server.js';

let mock: MockServer;
let client: Client;
const path = '/industryData/dataShareOutgoingFlows';

beforeAll(async () => {
  // the client attaches tokens only to https Graph hosts, so this loopback mock runs without auth
  mock = await startMock();
  client = Client.init({
    authProvider: (done) => done(null, 'graph-client-token'),
    baseUrl: mock.baseUrl.replace(/beta$/, ''),
    defaultVersion: 'beta',
  });
});
afterAll(() => mock.close());

it('creates, lists, gets, updates, deletes a flow and calls the function', async () => {
  const created = await client.api(path).post({ displayName: 'from graph client', shareName: 's', inviteeUserIds: ['5f0c2a3e-9a63-4a8e-9a55-0d6f2b1c7e11'] });
  expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
  const list = await client.api(path).top(5).get();
  expect(list.value.map((f: { id: string }) => f.id)).toContain(created.id);
  const got = await client.api(`${path}/${created.id}`).select('displayName').get();
  expect(got).toMatchObject({ id: created.id, displayName: 'from graph client' });
  const updated = await client.api(`${path}/${created.id}`).header('If-Match', created.eTag).patch({ displayName: 'renamed' });
  expect(updated.displayName).toBe('renamed');
  const invitees = await client.api(`${path}/getPotentialDataShareInvitees`).get();
  expect(invitees.value.length).toBeGreaterThan(0);
  await client.api(`${path}/${created.id}`).delete();
  await expect(client.api(`${path}/${created.id}`).get()).rejects.toMatchObject({ statusCode: 404, code: 'notFound' });
  expect(mock.store.flows.size).toBe(0);
});
