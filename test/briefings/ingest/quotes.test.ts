import { describe, expect, test } from 'vitest';
import { findQuotes } from '../../../src/briefings/ingest/quotes.js';

const one = (...paragraphs: string[]) => findQuotes([{ paragraphs }]);

describe('findQuotes', () => {
  test.each([
    ['curly, speaker after', '“We heard concrete offers today,” said Anna Weber.', 'Anna Weber'],
    ['straight, speaker after', '"We heard concrete offers today," Anna Weber said.', 'Anna Weber'],
    [
      'curly, speaker before with a comma',
      'Anna Weber said, “We heard concrete offers today.”',
      'Anna Weber',
    ],
    ['told with a colon', 'Anna Weber told reporters: "We heard concrete offers today."', 'Anna Weber'],
    [
      'according to after',
      '“Guarantees open the door to private money,” according to Paolo Bianchi.',
      'Paolo Bianchi',
    ],
    [
      'according to before',
      'According to Paolo Bianchi, “guarantees open the door to private money.”',
      'Paolo Bianchi',
    ],
    ['colon form', 'Spokesperson Rachel Kim: "Sanctions work when they are coordinated."', 'Rachel Kim'],
    ['guillemets', '«Nous avançons pas à pas», said Marie Dubois.', 'Marie Dubois'],
    [
      'British single quotes with apostrophes',
      '‘The ICRC’s teams are ready to go,’ said Dr. Amira Haddad.',
      'Dr. Amira Haddad',
    ],
  ])('GIVEN %s THEN the quote has its speaker', (_, paragraph, speaker) => {
    const [q] = one(paragraph);
    expect(q?.speaker).toBe(speaker);
    expect(q?.text).not.toMatch(/^[“"«‘]|[”"»’,]$/);
  });

  test('GIVEN the speaker on the line before, ending with a comma (the seed article) THEN it is the speaker', () => {
    const [q] = one(
      'A senior transatlantic official said,',
      '“Durable partnerships are built through consistent dialogue and strategic patience, not through sudden gestures.”',
    );
    expect(q).toMatchObject({
      speaker: 'A senior transatlantic official',
      text: 'Durable partnerships are built through consistent dialogue and strategic patience, not through sudden gestures.',
    });
  });

  test('GIVEN a quotation split by its attribution THEN both parts get the speaker', () => {
    const qs = one('“We have cut the pipelines,” Nowicki said. “But the cables we built are now targets.”');
    expect(qs.map((q) => q.speaker)).toEqual(['Nowicki', 'Nowicki']);
    expect(qs[1]?.via).toBe('continued');
  });

  test('GIVEN a quotation running over two paragraphs after an introduction THEN both parts get the speaker', () => {
    const qs = one(
      'Admiral Piotr Zieliński, who commands the navy, described the challenge in detail.',
      '“We are patrolling a sea that is shallow and crowded.',
      '“What we need is more sensors on the seabed.”',
    );
    expect(qs.map((q) => q.speaker)).toEqual(['Piotr Zieliński', 'Piotr Zieliński']);
    expect(qs[0]?.role).toBe('Admiral');
  });

  test('GIVEN "she said" after a named person THEN the pronoun is resolved to that person, and marked so', () => {
    const [q] = one(
      'Ukraine’s defence minister, Olena Hrytsenko, spoke next. “Every battery protects a power station,” she said.',
    );
    expect(q).toMatchObject({ speaker: 'Olena Hrytsenko', via: 'pronoun', pronoun: 'she' });
  });

  test('GIVEN "he said" with nobody named before it THEN the speaker is reported unknown, never invented', () => {
    const [q] = one('“We will not sign this text as it stands,” he said.');
    expect(q?.speaker).toBeUndefined();
    expect(q?.note).toMatch(/only to "he"/);
  });

  test('GIVEN a quotation with no attribution THEN it is kept without a speaker and says why', () => {
    const [q] = one(
      'On the sidelines, one slogan was repeated by several delegations: “Energy security is national security.”',
    );
    expect(q?.speaker).toBeUndefined();
    expect(q?.note).toBe('no speaker named next to the quotation');
  });

  test('GIVEN a surname on second reference THEN the speaker is the full name introduced earlier', () => {
    const qs = findQuotes([
      { paragraphs: ['NATO Secretary General Mette Lindqvist opened the meeting.'] },
      { paragraphs: ['“Ankara has to answer one question,” Lindqvist said.'] },
    ]);
    expect(qs[0]).toMatchObject({ speaker: 'Mette Lindqvist', role: 'NATO Secretary General' });
  });

  test.each([
    ['scare quotes', 'The so-called “reset” failed.'],
    ['a report title', 'The study “Europe at the Crossroads of Power” was published.'],
    ['no quotation marks at all', 'Officials said the talks went well.'],
  ])('GIVEN %s THEN no quotation is reported', (_, paragraph) => {
    expect(one(paragraph)).toEqual([]);
  });

  test('GIVEN a short attributed partial quote THEN it is kept with its speaker', () => {
    const [q] = one(
      'Hungary’s state secretary, László Farkas, said reserves were “the responsibility of national governments.”',
    );
    expect(q?.speaker).toBe('László Farkas');
  });
});

describe('findQuotes: apposition before a colon, quoted documents, and never an invented speaker', () => {
  test.each([
    [
      'a name with an apposition that put it bluntly',
      'Maria Keller, the finance minister, put it bluntly: “We cannot pay for this twice.”',
      'Maria Keller',
    ],
    [
      'a role, then the name, that put it plainly',
      'Latvia’s defence minister, Edgars Kalns, put it plainly: “We cannot pay for this twice.”',
      'Edgars Kalns',
    ],
    [
      'a document that read',
      'The joint statement read: “The participants reaffirm the ceasefire lines.”',
      'The joint statement',
    ],
    [
      'a banner that read, after where it was',
      'In the hallway after the session, a banner read: "Share the science, share the benefits."',
      'A banner',
    ],
    [
      'a name with where the person is from, in second place',
      'The co-chair, Ambassador Tomás Ortega of Colombia, said the text had "moved from a wish list to a document."',
      'Tomás Ortega',
    ],
  ])('GIVEN %s THEN the speaker is found', (_, paragraph, speaker) => {
    expect(one(paragraph)[0]?.speaker).toBe(speaker);
  });

  test('GIVEN "It read:" after a sentence about a document THEN the document is the speaker', () => {
    const q = one(
      'One document circulated among delegations set out the stakes. It read: "Every year without a code is lost."',
    );
    expect(q[0]?.speaker).toBe('One document');
  });

  test('GIVEN "It read:" after a sentence about no thing THEN the quote stays unattributed', () => {
    const q = one('Delegates met late. It read: "Every year without a code is lost."');
    expect(q[0]?.speaker).toBeUndefined();
  });

  test('GIVEN a finished quotation followed by "X predicted that …" THEN X is not its speaker', () => {
    const q = one(
      'The minister said the centre had to prove itself: “If the first incident is handled badly, we will have wasted a year.” Several delegates predicted that the question would return.',
    );
    expect(q[0]?.speaker).toBe('The minister');
  });

  test('GIVEN a second quotation in a paragraph THEN the paragraph before does not introduce it', () => {
    const q = one(
      'The first convoys will leave on Monday, the World Food Programme said.',
      '“A corridor is the difference between a meal and no meal,” said Amara Nduku, the envoy. “We will judge this by the trucks.”',
    );
    expect(q.map((x) => x.speaker)).toEqual(['Amara Nduku', 'Amara Nduku']);
  });

  test('GIVEN "she said" after "Name, Country’s negotiator," THEN she is the person, not the country', () => {
    const q = one(
      'Dr. Nomvula Dlamini, South Africa\'s lead negotiator, said the draft was tilted. "The countries that share the viruses are asked to wait," she said.',
      'Dlamini, who also chairs the Africa Group\'s negotiators, spoke next. "Fifteen years ago we were told to trust the system," she said.',
    );
    expect(q.map((x) => x.speaker)).toEqual(['Dr. Nomvula Dlamini', 'Dr. Nomvula Dlamini']);
  });

  test('GIVEN a family name written first ("Liu" for "Liu Jianhua") THEN the full name', () => {
    const q = one(
      'China’s representative, Assistant Foreign Minister Liu Jianhua, spoke first. "The region can manage its own affairs," Liu said.',
    );
    expect(q[0]?.speaker).toMatch(/Liu Jianhua$/);
  });

  test('GIVEN "Asked whether he had them, he smiled and said:" THEN the speaker is the person named before', () => {
    const q = one(
      'Prime Minister Dimitar Kostovski told reporters he was counting votes. Asked whether he had them, he smiled and said: “Ask me on the fourteenth.”',
    );
    expect(q[0]?.speaker).toMatch(/Dimitar Kostovski$/);
  });

  test('GIVEN a quotation nobody is named for THEN it stays unattributed, never given a speaker', () => {
    const q = one(
      'By the final day, one line was repeated in the corridors: "Nobody in El Fasher eats a communique."',
    );
    expect(q[0]?.speaker).toBeUndefined();
  });
});
