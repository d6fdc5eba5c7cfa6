// node-redis against a running tcpkit serve, at its defaults (RESP3 since node-redis 6) or in
// RESP2 mode.
// Usage: node client_check.mjs HOST COMMAND_PORT CHAT_PORT RESP   (RESP: "default" or "2")
//        node client_check.mjs HOST COMMAND_PORT CHAT_PORT RESP USER PASSWORD   (the AUTH checks)
// Prints "ok <check>" for each check that passed; a failed check throws and exits non-zero.
import assert from 'node:assert/strict';
import net from 'node:net';
import readline from 'node:readline';
import { createClient, createClientPool } from 'redis';

const [host, port, chatPort, mode, user, password] = process.argv.slice(2);
const options = { url: `redis://${host}:${port}`, ...(mode === '2' ? { RESP: 2 } : {}) };
if (user) {
  Object.assign(options, { username: user, password });
}
const ok = (check) => console.log('ok ' + check);
const clients = [];
const connect = async (extra = {}) => {
  const c = createClient({ ...options, ...extra });
  c.on('error', () => {}); // reconnects are expected (CLIENT KILL); failed commands still throw
  clients.push(c);
  return c.connect();
};
/** A promise of the next call of the returned listener, and the listener. */
const next = () => {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return [promise, (...args) => resolve(args)];
};
const within = (promise, what) => Promise.race([promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error('timed out waiting for ' + what)), 10_000).unref())]);

const r = await connect();
const info = await r.clientInfo();
assert.equal(info.resp, mode === '2' ? 2 : 3, 'the protocol in force');
assert.equal(await r.ping(), 'PONG');
ok('ping resp' + info.resp);

if (user) {
  assert.equal(await r.sendCommand(['ACL', 'WHOAMI']), user);
  const [message, listener] = next();
  const sub = await connect();
  await sub.subscribe('news', listener);
  assert.equal(await r.publish('news', 'hi'), 1);
  assert.deepEqual(await within(message, 'a message'), ['hi', 'news']);
  // node-redis retries a failed handshake for ever by default, and tcpkit slows down repeated
  // failed logins from one address: refusal, not the retry policy, is what this checks.
  await assert.rejects(connect({ password: 'wrong', socket: { reconnectStrategy: false } }), /WRONGPASS/);
  ok('auth users file');
} else {
  assert.equal(await r.echo('hello'), 'hello');
  ok('echo');

  // 1,000 commands written at once (node-redis pipelines whatever is issued together).
  const replies = await Promise.all(Array.from({ length: 1000 }, (_, i) => r.echo('m' + i)));
  assert.deepEqual(replies, Array.from({ length: 1000 }, (_, i) => 'm' + i));
  const batch = r.multi();
  for (let i = 0; i < 1000; i++) batch.echo('p' + i);
  assert.deepEqual(await batch.execAsPipeline(), Array.from({ length: 1000 }, (_, i) => 'p' + i));
  ok('pipeline 1000');

  const pool = await createClientPool(options, { minimum: 1, maximum: 32 }).connect();
  pool.on('error', () => {});
  const work = await Promise.all(Array.from({ length: 32 }, (_, n) =>
    pool.execute(async (c) => {
      const out = [];
      for (let i = 0; i < 50; i++) out.push(await c.echo(`t${n}-${i}`));
      return out;
    })));
  assert.deepEqual(work, Array.from({ length: 32 }, (_, n) => Array.from({ length: 50 }, (_, i) => `t${n}-${i}`)));
  assert.equal(pool.totalClients, 32);
  pool.destroy();
  ok('pool 32');

  assert.equal(await r.clientSetName('node-app'), 'OK');
  assert.equal(await r.clientGetName(), 'node-app');
  const id = await r.clientId();
  const mine = (await r.clientList()).filter((c) => c.id === id);
  assert.equal(mine.length, 1);
  assert.equal(mine[0].name, 'node-app');
  assert.equal((await r.clientInfo()).id, id);
  ok('client setname getname id list');

  const sub = await connect();
  const [message, onMessage] = next();
  const [pmessage, onPmessage] = next();
  await sub.subscribe('news', onMessage);
  await sub.pSubscribe('n*', onPmessage);
  assert.equal(await r.publish('news', 'hi'), 2);
  assert.deepEqual(await within(message, 'a message'), ['hi', 'news']);
  assert.deepEqual(await within(pmessage, 'a pmessage'), ['hi', 'news']);
  assert.deepEqual({ ...(await r.pubSubNumSub('news')) }, { news: 1 });
  assert.ok((await r.pubSubChannels()).includes('news'));
  assert.equal(await r.pubSubNumPat(), 1);
  ok('subscribe psubscribe publish pubsub');

  const victim = await connect();
  const first = await victim.clientId();
  assert.equal(await r.clientKill({ filter: 'ID', id: first }), 1);
  // node-redis reconnects by itself; a command issued meanwhile waits in its offline queue.
  let second = first;
  for (let i = 0; i < 100 && second === first; i++) {
    try {
      second = await victim.clientId();
    } catch (e) {
      await new Promise((res) => setTimeout(res, 50));
    }
  }
  assert.notEqual(second, first);
  assert.equal(await victim.ping(), 'PONG');
  ok('reconnect after client kill');

  // The chat bridge.
  const chat = net.connect(Number(chatPort), host);
  const lines = readline.createInterface({ input: chat })[Symbol.asyncIterator]();
  const line = async () => (await within(lines.next(), 'a chat line')).value;
  assert.match(await line(), /^Welcome/);
  chat.write('dave\n');
  assert.match(await line(), /^\* The room lobby contains/);
  const listener = await connect();
  const [said, onSaid] = next();
  await listener.subscribe('lobby', onSaid);
  chat.write('hello from chat\n');
  assert.deepEqual(await within(said, 'the chat line'), ['[dave] hello from chat', 'lobby']);
  ok('chat line reaches subscriber');
  const publisher = await connect();
  await publisher.clientSetName('nodeapp');
  assert.equal(await publisher.publish('lobby', 'hello from node'), 2);
  assert.equal(await line(), '[nodeapp] hello from node');
  ok('publish reaches chat');
  chat.destroy();
}
for (const c of clients) c.destroy();
console.log('done');
