/** Bad input: generated invalid families are refused with 400, and a refused request changes nothing. */
import { randomUUID } from 'node:crypto';
import { type InvalidLabel, invalidBody } from '../generators/bodies.js';
import { entityOf, etagOf, expectEqual, expectRejected, expectStatus, expectThat, stateOf } from '../target/expect.js';
import type { HttpResponse } from '../target/http.js';
import { bodyOptions, check, ignoredServerState, WRITE } from './define.js';
import type { CheckContext } from './types.js';

/**
 * Lists the entities named with `prefix` so a rejected create can be shown to have created nothing. The prefix is
 * this check's own (other checks of the run create entities concurrently under the run marker).
 */
async function idsNamed(ctx: CheckContext, prefix: string): Promise<string[]> {
  const pages = await ctx.api.listAll();
  return pages.flatMap((p) => (p.json?.value ?? []).filter((e: any) => typeof e?.displayName === 'string' && e.displayName.startsWith(prefix)).map((e: any) => e.id));
}

/** Sends generated invalid create bodies of the given families; each must be refused with 400. */
function rejectsCreate(id: string, labels: InvalidLabel[], title: string, rule: string) {
  return check({
    id,
    title,
    severity: 'MUST',
    rule,
    profiles: WRITE,
    generated: true,
    async run(ctx) {
      await ctx.property(invalidBody(ctx.reg, 'create', ctx.marker, labels, bodyOptions(ctx)), async (inv) => {
        const body = ctx.forCreate(inv.body); // the body's own members win: the one rule it breaks stays broken
        const r = await ctx.api.create(body);
        const prop = inv.expect.path.slice(1);
        if (await ignoredServerState(ctx, r, prop, inv.body[prop])) return;
        // a 409 for a shareName in use is a refusal too (DR 0018): which rule a service checks first is its own
        expectRejected(ctx.reg, r, `create with ${inv.label} (${inv.rule})`, (await ctx.api.shareNameTaken(r, inv.body.shareName)) ? [409] : [400]);
      });
    },
  });
}

async function send(ctx: CheckContext, body: string, contentType: string): Promise<HttpResponse> {
  ctx.api.ledger.intent(ctx.marker);
  const r = await ctx.api.request(ctx.api.collectionUrl, { method: 'POST', body, headers: { 'Content-Type': contentType } });
  ctx.api.noteCreated(r, ctx.marker);
  return r;
}

export default [
  rejectsCreate('validation.create.missing-required', ['missing-required'], 'POST without a property the create page marks Required answers 400', 'create page: displayName, inviteeUserIds, shareName Required; OData §9.2'),
  rejectsCreate('validation.create.unknown-property', ['unknown-property'], 'POST with a property the type does not declare answers 400', 'OData §11.4.2 (non-open type); DR 0014'),
  rejectsCreate('validation.create.wrong-type', ['wrong-json-type', 'null-not-nullable'], 'POST with a JSON type other than the declared one (or null) answers 400', 'OData §11.4.2; Graph errors'),
  rejectsCreate('validation.create.invitee-cardinality', ['invitee-cardinality'], 'POST with zero or several inviteeUserIds answers 400', 'resource page: "Currently only accepts a single identifier"; DR 0007'),
  rejectsCreate('validation.create.foreign-odata-type', ['foreign-odata-type'], 'POST whose @odata.type is not dataShareOutgoingFlow answers 400', 'OData: the declared type or a derived type'),
  check({
    id: 'validation.create.malformed-json',
    title: 'POST with a malformed JSON body answers 400 with an OData error',
    severity: 'MUST',
    rule: 'Graph errors: 400 Bad Request for a malformed request',
    profiles: WRITE,
    async run(ctx) {
      for (const text of ['{"displayName":', '{"displayName": "x",}', 'not json', '']) {
        const r = await send(ctx, text, 'application/json');
        expectRejected(ctx.reg, r, `create with body ${JSON.stringify(text)}`);
      }
    },
  }),
  check({
    id: 'validation.create.wrong-content-type',
    title: 'POST with Content-Type text/plain answers 415 (or 400)',
    severity: 'SHOULD',
    rule: 'create page: Content-Type application/json Required; Graph errors: 415',
    profiles: WRITE,
    async run(ctx) {
      const body = JSON.stringify({ displayName: ctx.name(), shareName: 's', inviteeUserIds: [ctx.invitees.ids[0]] });
      const r = await send(ctx, body, 'text/plain');
      expectRejected(ctx.reg, r, 'create with Content-Type text/plain', [415, 400]);
    },
  }),
  check({
    id: 'validation.create.overlong-string',
    title: 'an over-long displayName is refused with 400 or stored exactly as sent',
    severity: 'MUST',
    rule: 'OData §11.4.2: what is accepted is stored; DR 0007 (no documented maximum)',
    profiles: WRITE,
    async run(ctx) {
      const name = `${ctx.name('long')}-${'ü'.repeat(300)}`;
      const r = await ctx.api.create(ctx.validBody({ displayName: name }));
      if (r.status === 400) return expectRejected(ctx.reg, r, 'create with a 330-character displayName');
      expectStatus(r, [201, 204], 'create with a 330-character displayName');
      ctx.note('accepted a 330-character displayName');
      const g = await ctx.api.get(ctx.api.tracker.items.at(-1)!.id);
      expectEqual(entityOf(g)?.displayName, name, 'an accepted over-long displayName was not stored as sent', g);
    },
  }),
  check({
    id: 'validation.create.read-only-id',
    title: 'an id sent on POST is refused (400) or ignored: the entity never takes the client value',
    severity: 'MUST',
    rule: 'OData §11.4.2: key and read-only values are ignored; Azure: refused; DR 0014',
    profiles: WRITE,
    async run(ctx) {
      const chosen = randomUUID();
      const r = await ctx.api.create(ctx.validBody({ id: chosen }));
      if (r.status === 400) return expectRejected(ctx.reg, r, 'create with a client id');
      expectStatus(r, [201, 204], 'create with a client id');
      const created = ctx.api.tracker.items.at(-1)!;
      expectThat(created.id !== chosen, 'create with a client id: the entity took the id the client chose', r, created.id, `a server-generated id (not ${chosen})`);
    },
  }),
  check({
    id: 'validation.create.read-only-etag',
    title: 'an eTag sent on POST is refused (400) or ignored: the entity never carries the client value',
    severity: 'MUST',
    rule: 'OData §11.4.2: computed values are ignored (4.02: or refused); DR 0005, DR 0014',
    profiles: WRITE,
    async run(ctx) {
      const forged = 'W/"dsc-client-chosen-etag"';
      const r = await ctx.api.create(ctx.validBody({ eTag: forged }));
      if (r.status === 400) return expectRejected(ctx.reg, r, 'create with a client eTag');
      expectStatus(r, [201, 204], 'create with a client eTag');
      if (r.status === 201) expectThat(r.json?.eTag !== forged, 'create stored the eTag the client sent (201 body)', r, r.json?.eTag, 'a server-computed eTag');
      const g = await ctx.api.get(ctx.api.tracker.items.at(-1)!.id);
      expectStatus(g, [200], 'GET after create with a client eTag');
      expectThat(etagOf(g) !== forged, 'create stored the eTag the client sent', g, etagOf(g), 'a server-computed eTag');
    },
  }),
  check({
    id: 'validation.patch.read-only-id',
    title: 'an id sent in a PATCH body is refused (400) or ignored: the key never changes',
    severity: 'MUST',
    rule: 'OData §11.4.3: key values are ignored; "entity id cannot be changed"; DR 0014',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const other = randomUUID();
      const newName = ctx.name('rekeyed');
      const r = await ctx.api.patch(id, { id: other, displayName: newName });
      if (r.status >= 200 && r.status < 300) ctx.api.adopt(other); // if the key moved, the entity now lives there
      if (r.status === 400) expectRejected(ctx.reg, r, 'PATCH with a different id');
      else expectStatus(r, [200, 204], 'PATCH with a different id');
      const g = await ctx.api.get(id);
      expectStatus(g, [200], 'GET the entity by its own id after PATCH {id}');
      expectEqual(entityOf(g)?.id, id, 'PATCH {id} changed the key of the entity', g);
      const moved = await ctx.api.get(other);
      expectStatus(moved, [404], 'GET by the id sent in PATCH {id}');
    },
  }),
  check({
    id: 'validation.patch.read-only-etag',
    title: 'an eTag sent in a PATCH body is refused or ignored, never stored as sent',
    severity: 'MUST',
    rule: 'OData §11.4.3: read-only values MUST be ignored; DR 0005, DR 0014',
    profiles: WRITE,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const forged = 'W/"forged-by-dsc"';
      const r = await ctx.api.patch(id, { eTag: forged, displayName: ctx.name('etag') });
      if (r.status === 400 || r.status === 412) return expectRejected(ctx.reg, r, 'PATCH with a body eTag', [400, 412]);
      expectStatus(r, [200, 204], 'PATCH with a body eTag');
      const g = await ctx.api.get(id);
      expectThat(etagOf(g) !== forged, 'PATCH stored the eTag the client sent', g, etagOf(g), 'a server-computed eTag');
    },
  }),
  check({
    id: 'validation.patch.invalid',
    title: 'PATCH with an invalid body answers 400',
    severity: 'MUST',
    rule: 'OData §11.4.3; Graph errors; DR 0014',
    profiles: WRITE,
    generated: true,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      await ctx.property(invalidBody(ctx.reg, 'update', ctx.marker, ['wrong-json-type', 'unknown-property', 'null-not-nullable', 'undeclared-enum-member', 'invitee-cardinality'], bodyOptions(ctx)), async (inv) => {
        const r = await ctx.api.patch(id, inv.body);
        const prop = inv.expect.path.slice(1);
        if (await ignoredServerState(ctx, r, prop, inv.body[prop], id)) return;
        expectRejected(ctx.reg, r, `PATCH with ${inv.label} (${inv.rule})`, (await ctx.api.shareNameTaken(r, inv.body.shareName, id)) ? [409] : [400]);
      });
    },
  }),
  check({
    id: 'validation.create.rejected-changes-nothing',
    title: 'a refused POST creates nothing',
    severity: 'MUST',
    rule: 'OData §9.2: an error response leaves no observable change',
    profiles: WRITE,
    generated: true,
    async run(ctx) {
      const prefix = `${ctx.name('refused')}-`;
      const before = new Set(await idsNamed(ctx, prefix));
      await ctx.property(
        invalidBody(ctx.reg, 'create', prefix, ['invitee-cardinality', 'unknown-property', 'wrong-json-type'], bodyOptions(ctx)).filter((inv) => typeof inv.body.displayName === 'string'),
        async (inv) => {
          const r = await ctx.api.create(inv.body);
          if (r.status < 400) {
            // an accepted body is the validation checks' matter; this rule is about what a refusal leaves
            ctx.note(`create with ${inv.label} was accepted (${r.status}): not a refusal, not judged here`);
            for (const x of await idsNamed(ctx, prefix)) before.add(x);
            return;
          }
          const after = (await idsNamed(ctx, prefix)).filter((x) => !before.has(x));
          for (const left of after) ctx.api.adopt(left); // delete what the target should not have created
          expectEqual(after, [], `a refused create (${inv.label}, ${r.status}) left an entity behind`, r);
        },
        { numRuns: Math.min(10, ctx.settings.numRuns) },
      );
    },
  }),
  check({
    id: 'validation.patch.rejected-changes-nothing',
    title: 'a refused PATCH changes nothing, not even the properties that were valid',
    severity: 'MUST',
    rule: 'OData §9.2: an error response leaves no observable change',
    profiles: WRITE,
    generated: true,
    async run(ctx) {
      const { id } = await ctx.newFlow();
      const g0 = await ctx.api.get(id);
      let before = stateOf(entityOf(g0));
      await ctx.property(
        invalidBody(ctx.reg, 'update', ctx.marker, ['wrong-json-type', 'unknown-property', 'invitee-cardinality'], bodyOptions(ctx)),
        async (inv) => {
          // the invalid body also holds valid new values (a full generated body): none of them may stick
          const r = await ctx.api.patch(id, inv.body);
          const g = await ctx.api.get(id);
          if (r.status < 400) {
            // an accepted body is validation.patch.invalid's matter; this rule is about what a refusal leaves
            ctx.note(`PATCH with ${inv.label} was accepted (${r.status}): not a refusal, not judged here`);
            before = stateOf(entityOf(g));
            return;
          }
          expectEqual(stateOf(entityOf(g)), before, `a refused PATCH (${inv.label}) changed the entity`, g);
        },
        { numRuns: Math.min(10, ctx.settings.numRuns) },
      );
    },
  }),
];
