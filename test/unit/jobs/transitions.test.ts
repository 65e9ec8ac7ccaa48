import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { JobRecord } from '../../../src/core/jobs/model';
import { applyEvent, channelOfJobId, describedPromptsOf, echoedPromptOf, jobTypeOfJobId, nextState } from '../../../src/core/jobs/transitions';
import type { ApiJobView } from '../../../src/core/jobs/transitions';

const JOB_ID = 'j1218072755113123456i-u1234-c1234567890123456789-bot:midjourney';

function queued(): JobRecord {
  return { id: 'local-1', request: { verb: 'imagine', prompt: 'a cat --ar 16:9' }, verb: 'imagine', state: 'queued', buttons: [], assets: [], priority: 'user', createdAt: 1, updatedAt: 1 };
}

function fixture(name: string): ApiJobView {
  return JSON.parse(readFileSync(`/work/shared/useapi-v3/fixtures/${name}`, 'utf8')) as ApiJobView;
}

describe('job state machine', () => {
  it('walks queued → submitting → running → completed and extracts the results', () => {
    let record = applyEvent(queued(), { type: 'submit' }, 10);
    assert.equal(record.state, 'submitting');
    assert.equal(record.submittedAt, 10);
    record = applyEvent(record, { type: 'api', job: { jobid: JOB_ID, status: 'created', jobType: 'image' } }, 11);
    assert.equal(record.state, 'running');
    assert.equal(record.jobId, JOB_ID);
    assert.equal(record.channel, '1234567890123456789');
    record = applyEvent(record, { type: 'api', job: { jobid: JOB_ID, status: 'progress', response: { progress_percent: 46, content: '**a cat --ar 16:9** - <@1> (46%) (fast)' } } }, 12);
    assert.equal(record.progress, 46);
    assert.equal(record.echoedPrompt, 'a cat --ar 16:9');
    const completed = fixture('imagine-completed.json');
    record = applyEvent(record, { type: 'api', job: completed }, 13);
    assert.equal(record.state, 'completed');
    assert.equal(record.finishedAt, 13);
    assert.deepEqual(record.buttons, ['U1', 'U2', 'U3', 'U4', '🔄', 'V1', 'V2', 'V3', 'V4']);
    assert.equal(record.assets.filter((a) => a.kind === 'image').length, 4);
    assert.equal(record.assets.filter((a) => a.kind === 'grid').length, 1);
  });

  it('maps a moderated job with its reason', () => {
    const record = applyEvent(applyEvent(queued(), { type: 'submit' }, 1), { type: 'api', job: fixture('video-moderated-422.json') }, 2);
    assert.equal(record.state, 'moderated');
    assert.equal(record.reason, 'Invalid request');
    assert.equal(record.reasonDetails, 'No start frame provided');
  });

  it('maps a user cancellation to cancelled', () => {
    const record = applyEvent(applyEvent(queued(), { type: 'submit' }, 1), { type: 'api', job: { jobid: JOB_ID, status: 'failed', error: 'Job cancelled by user' } }, 2);
    assert.equal(record.state, 'cancelled');
  });

  it('ignores events that do not apply: terminal states are final, API answers need a submission', () => {
    assert.equal(nextState('queued', { type: 'api', job: { jobid: JOB_ID, status: 'progress' } }), undefined);
    assert.equal(nextState('completed', { type: 'api', job: { jobid: JOB_ID, status: 'progress' } }), undefined);
    assert.equal(nextState('completed', { type: 'cancel' }), undefined);
    assert.equal(nextState('queued', { type: 'lose', reason: 'x' }), undefined);
    assert.equal(nextState('submitting', { type: 'requeue' }), 'queued');
    assert.equal(nextState('running', { type: 'requeue' }), undefined);
    const done = applyEvent(applyEvent(queued(), { type: 'submit' }, 1), { type: 'fail', reason: 'x' }, 2);
    assert.equal(applyEvent(done, { type: 'api', job: { jobid: JOB_ID, status: 'completed' } }, 3), done);
  });

  it('reads ids, echoed prompts and describe results', () => {
    assert.equal(channelOfJobId(JOB_ID), '1234567890123456789');
    assert.equal(jobTypeOfJobId(JOB_ID), 'image');
    assert.equal(jobTypeOfJobId('j1024181534748808540-u12345-c1234567890123456789-bot:midjourney'), undefined);
    assert.equal(echoedPromptOf('**a **bold** cat --v 7.0** - <@123> (fast)'), 'a **bold** cat --v 7.0');
    assert.deepEqual(describedPromptsOf({ embeds: [{ description: '1️⃣ one\n\n2️⃣ two\n\n3️⃣ three\n\n4️⃣ four' }] }), ['one', 'two', 'three', 'four']);
  });
});
