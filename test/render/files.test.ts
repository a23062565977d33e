/** Files on replies pass the limits gate: at most 10, each within the byte cap, names Discord keeps. */
import { describe, expect, test } from 'vitest';
import { DISCORD_LIMITS, FILE_DROPPED_NOTE, fitFiles, fitReply } from '../../src/render/limits.js';

describe('files in fitReply', () => {
  test('GIVEN a reply with only a file WHEN fitted THEN the file is kept and no "Nothing to show" is added', () => {
    const out = fitReply({ files: [{ name: 'schedules-1.yaml', content: 'version: 1\n' }], ephemeral: true });
    expect(out).toEqual({ files: [{ name: 'schedules-1.yaml', content: 'version: 1\n' }], ephemeral: true });
  });

  test('GIVEN a file past the byte cap WHEN fitted THEN it is left out and the reply says so', () => {
    const big = 'x'.repeat(DISCORD_LIMITS.fileBytes + 1);
    const out = fitReply({ content: 'Here.', files: [{ name: 'big.txt', content: big }] });
    expect(out.files).toBeUndefined();
    expect(out.content).toBe(`Here.\n${FILE_DROPPED_NOTE}`);
  });

  test.each([
    ['schedules of: my server.yaml', 'schedules_of__my_server.yaml'],
    ['../../etc/passwd', '.._.._etc_passwd'],
    ['', 'file.txt'],
  ])('GIVEN the name %j WHEN fitted THEN it becomes %j', (name, expected) => {
    expect(fitFiles([{ name, content: 'a' }]).files[0]?.name).toBe(expected);
  });

  test('GIVEN eleven files WHEN fitted THEN ten are kept and the reply says one was left out', () => {
    const files = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, content: 'a' }));
    const fitted = fitFiles(files);
    expect(fitted.files).toHaveLength(10);
    expect(fitted.dropped).toBe(true);
  });
});
