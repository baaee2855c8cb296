// SPDX-License-Identifier: MIT
// node_baselines.js: baseline (c), what people would use instead: a Node.js
// parent and a child_process.fork() child talking over Node's built-in IPC
// channel (process.send). Standard library only. Prints the same JSON lines
// as the C programs.
//
//   node_pingpong   round trip of a request-shaped message and its answer (row 1)
//   node_coldstart  fork() of a child that answers one message, until its exit (row 5)
//   rss_node        VmRSS of such a child after it answered (row 6)
//   node_timers     100,000 setTimeout timers (delays 0-9 ms) until the last has run (row 9),
//                   in this process, as bench/bundles/timers does in Moat's renderer
//
// Usage: node node_baselines.js [pingpong|coldstart|timers]   (pingpong and coldstart by
// default; the child role is `node node_baselines.js child`)
'use strict';

const { fork } = require('child_process');
const fs = require('fs');

const PING_WARMUP = 2000;
const PING_COUNT = 20000;
const COLD_WARMUP = 3;
const COLD_RUNS = 20;

function child() {
    process.on('message', (m) => {
        if (m.cmd === 'exit')
            process.disconnect();
        else
            process.send({ kind: 3, id: m.id, ok: true, value: null });
    });
}

function percentile(sorted, p) {
    const rank = Math.ceil(p * sorted.length);
    return sorted[Math.max(rank - 1, 0)];
}

function emit(key, unit, samples) {
    const s = Float64Array.from(samples).sort();
    const line = { key, unit, median: percentile(s, 0.5), p99: percentile(s, 0.99), n: s.length };
    process.stdout.write(JSON.stringify(line) + '\n');
}

const nowNs = () => Number(process.hrtime.bigint());

function request(c, id) {
    return new Promise((resolve) => {
        c.once('message', resolve);
        c.send({ kind: 2, id, cmd: 'bench:ping', args: null });
    });
}

function exited(c) {
    return new Promise((resolve) => c.once('exit', resolve));
}

async function pingpong() {
    const c = fork(__filename, ['child']);
    const samples = [];
    for (let i = 0; i < PING_WARMUP + PING_COUNT; i++) {
        const t0 = nowNs();
        await request(c, i);
        if (i >= PING_WARMUP)
            samples.push(nowNs() - t0);
    }
    c.send({ cmd: 'exit' });
    await exited(c);
    emit('node_pingpong', 'ns', samples);
}

// Also samples the child's VmRSS once it has answered (the last run's).
async function coldstart() {
    const samples = [];
    let rss = 0;
    for (let i = 0; i < COLD_WARMUP + COLD_RUNS; i++) {
        const t0 = nowNs();
        const c = fork(__filename, ['child']);
        await request(c, 0);
        const status = fs.readFileSync(`/proc/${c.pid}/status`, 'utf8');
        rss = Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
        c.send({ cmd: 'exit' });
        await exited(c);
        if (i >= COLD_WARMUP)
            samples.push(nowNs() - t0);
    }
    emit('node_coldstart', 'ns', samples);
    emit('rss_node', 'B', [rss]);
}

const TIMERS = 100000;
const TIMER_WARMUP = 1;
const TIMER_ROUNDS = 8;

function timerWave(n) {
    return new Promise((resolve) => {
        let left = n;
        const fire = () => {
            if (--left === 0)
                resolve();
        };
        for (let i = 0; i < n; i++)
            setTimeout(fire, i % 10);
    });
}

async function timers() {
    const samples = [];
    for (let r = 0; r < TIMER_WARMUP + TIMER_ROUNDS; r++) {
        const t0 = nowNs();
        await timerWave(TIMERS);
        if (r >= TIMER_WARMUP)
            samples.push(nowNs() - t0);
    }
    emit('node_timers', 'ns', samples);
}

const mode = process.argv[2];
if (mode === 'child')
    child();
else if (mode === 'timers')
    timers().catch((e) => {
        console.error(`node_baselines: ${e.stack}`);
        process.exit(1);
    });
else
    Promise.resolve()
        .then(() => mode !== 'coldstart' && pingpong())
        .then(() => mode !== 'pingpong' && coldstart())
        .catch((e) => {
            console.error(`node_baselines: ${e.stack}`);
            process.exit(1);
        });
