/**
 * The demo's tools: about thirty, each with its own reliability and latency, chosen to give the
 * learning loop and the dashboard something true to say. A few fail a lot, one regresses in the
 * last week, one was retired weeks ago, and a few were written by the AI itself (most of them good).
 */

export interface DemoTool {
  name: string;
  /** The one word in a goal that makes the reference orchestrator pick this tool. */
  keyword: string;
  intent: string;
  /** How often goals need this tool, relative to the others. */
  weight: number;
  /** Chance that a run succeeds. */
  successRate: number;
  /** From this many days ago on, runs succeed with `successRate` instead (a regression). */
  regression?: { sinceDaysAgo: number; successRate: number };
  /** Median latency of a run in ms, and the log-normal shape (0.3 steady … 0.9 erratic). */
  latency: { medianMs: number; sigma: number };
  /** Why runs fail; a `timeoutMs` failure takes that long. */
  failures: ReadonlyArray<{ message: string; timeoutMs?: number }>;
  /** Goals for this tool; {n} a number, {x} a word from `fillers`. */
  goals: readonly string[];
  fillers?: readonly string[];
  /** Only used between these days ago (retired tools, tools created later). */
  activeFromDaysAgo?: number;
  activeUntilDaysAgo?: number;
  /** The AI wrote this tool: recorded in tool_creation_events. */
  generated?: {
    daysAgo: number;
    /** Attempts before it passed validation (each one a creation event). */
    failedAttempts: number;
    code: string;
  };
}

/** A generated tool that was recorded but never put to use (or never passed validation). */
export interface UnusedGeneratedTool {
  name: string;
  daysAgo: number;
  validationPassed: boolean;
  goalText: string;
  code: string;
  validationErrors?: unknown;
}

const TOPICS = [
  'solid-state batteries',
  'the Rust borrow checker',
  'coral reef recovery',
  'PostgreSQL 16 features',
  'vector databases',
  'the James Webb telescope',
  'urban heat islands',
  'protein folding',
];
const CITIES = ['Lisbon', 'Osaka', 'Nairobi', 'Toronto', 'Berlin', 'Santiago', 'Hanoi'];
const PEOPLE = ['Amira', 'Jonas', 'Priya', 'Mateo', 'Chen', 'Olga', 'Kwame'];
const FILES = ['q3_invoices', 'sensor_log', 'customers_2025', 'lab_results', 'board_minutes'];

export const DEMO_TOOLS: readonly DemoTool[] = [
  {
    name: 'calculator_tool',
    keyword: 'calculate',
    intent: 'calculation',
    weight: 9,
    successRate: 0.992,
    latency: { medianMs: 6, sigma: 0.4 },
    failures: [{ message: 'division by zero' }],
    goals: [
      'Calculate {n} * {n} + {n}',
      'Calculate the compound interest on {n} at 4% for {n} years',
    ],
  },
  {
    name: 'prime_checker_tool',
    keyword: 'prime',
    intent: 'calculation',
    weight: 5,
    successRate: 0.995,
    latency: { medianMs: 4, sigma: 0.5 },
    failures: [{ message: 'number too large for trial division' }],
    goals: ['Check if {n} is prime', 'Is {n} a prime number?'],
  },
  {
    name: 'unit_converter_tool',
    keyword: 'convert',
    intent: 'calculation',
    weight: 4,
    successRate: 0.98,
    latency: { medianMs: 12, sigma: 0.4 },
    failures: [{ message: 'unknown unit "furlongs per fortnight"' }],
    goals: ['Convert {n} miles to kilometers', 'Convert {n} degrees Fahrenheit to Celsius'],
  },
  {
    name: 'statistics_tool',
    keyword: 'deviation',
    intent: 'calculation',
    weight: 3,
    successRate: 0.97,
    latency: { medianMs: 25, sigma: 0.5 },
    failures: [{ message: 'empty sample' }],
    goals: ['Compute the standard deviation of {n}, {n}, {n} and {n}'],
  },
  {
    name: 'web_search_tool',
    keyword: 'search',
    intent: 'search',
    weight: 10,
    successRate: 0.93,
    latency: { medianMs: 650, sigma: 0.5 },
    failures: [
      { message: 'rate limited (HTTP 429)' },
      { message: 'timeout after 8000 ms', timeoutMs: 8000 },
    ],
    goals: ['Search the web for {x}', 'Search for reviews of {x}'],
    fillers: TOPICS,
  },
  {
    name: 'news_search_tool',
    keyword: 'headlines',
    intent: 'search',
    weight: 5,
    successRate: 0.9,
    latency: { medianMs: 800, sigma: 0.45 },
    failures: [{ message: 'news API quota exceeded' }],
    goals: ["Find today's headlines about {x}"],
    fillers: TOPICS,
  },
  {
    name: 'wiki_lookup_tool',
    keyword: 'wikipedia',
    intent: 'search',
    weight: 5,
    successRate: 0.96,
    latency: { medianMs: 300, sigma: 0.35 },
    failures: [{ message: 'page not found' }],
    goals: ['Look up {x} on Wikipedia'],
    fillers: TOPICS,
  },
  {
    name: 'academic_search_tool',
    keyword: 'papers',
    intent: 'search',
    weight: 3,
    successRate: 0.86,
    latency: { medianMs: 1400, sigma: 0.5 },
    failures: [
      { message: 'upstream index unavailable' },
      { message: 'timeout after 15000 ms', timeoutMs: 15000 },
    ],
    goals: ['Find recent papers on {x}'],
    fillers: TOPICS,
  },
  {
    name: 'web_scraper_tool',
    keyword: 'scrape',
    intent: 'web',
    weight: 4,
    successRate: 0.62,
    latency: { medianMs: 2100, sigma: 0.7 },
    failures: [
      { message: 'HTTP 403 Forbidden' },
      { message: 'selector ".price" not found' },
      { message: 'timeout after 10000 ms', timeoutMs: 10000 },
    ],
    goals: ['Scrape the pricing table from {x}'],
    fillers: ['example-shop.test', 'acme-widgets.test', 'gadget-outlet.test'],
  },
  {
    name: 'weather_lookup_tool',
    keyword: 'weather',
    intent: 'web',
    weight: 6,
    successRate: 0.985,
    latency: { medianMs: 180, sigma: 0.3 },
    failures: [{ message: 'station offline' }],
    goals: ['How is the weather in {x} tomorrow?', 'Weather forecast for {x} this weekend'],
    fillers: CITIES,
  },
  {
    name: 'stock_quote_tool',
    keyword: 'stock',
    intent: 'web',
    weight: 4,
    successRate: 0.97,
    latency: { medianMs: 220, sigma: 0.35 },
    failures: [{ message: 'market closed: stale quote refused' }],
    goals: ['Get the stock price of {x}'],
    fillers: ['ACME', 'GLOBEX', 'INITECH', 'UMBRELLA'],
  },
  {
    name: 'code_runner_tool',
    keyword: 'execute',
    intent: 'code',
    weight: 5,
    successRate: 0.88,
    latency: { medianMs: 900, sigma: 0.6 },
    failures: [
      { message: 'SyntaxError: unexpected indent' },
      { message: 'sandbox memory limit (256 MB)' },
    ],
    goals: ['Execute this Python snippet: print(sum(range({n})))'],
  },
  {
    name: 'linter_tool',
    keyword: 'lint',
    intent: 'code',
    weight: 3,
    successRate: 0.95,
    latency: { medianMs: 350, sigma: 0.4 },
    failures: [{ message: 'config file not found' }],
    goals: ['Lint src/{x}.ts'],
    fillers: ['server', 'parser', 'router', 'billing'],
  },
  {
    name: 'test_runner_tool',
    keyword: 'tests',
    intent: 'code',
    weight: 3,
    successRate: 0.8,
    latency: { medianMs: 4200, sigma: 0.45 },
    failures: [
      { message: '3 tests failed' },
      { message: 'timeout after 60000 ms', timeoutMs: 60000 },
    ],
    goals: ['Run the unit tests in packages/{x}'],
    fillers: ['core', 'api', 'web', 'worker'],
  },
  {
    name: 'regex_builder_tool',
    keyword: 'regex',
    intent: 'code',
    weight: 2,
    successRate: 0.91,
    latency: { medianMs: 40, sigma: 0.5 },
    failures: [{ message: 'ambiguous specification' }],
    goals: ['Build a regex that matches {x}'],
    fillers: ['ISO dates', 'UK postcodes', 'semantic versions', 'hex colours'],
  },
  {
    name: 'csv_parser_tool',
    keyword: 'csv',
    intent: 'data',
    weight: 5,
    successRate: 0.96,
    latency: { medianMs: 120, sigma: 0.5 },
    failures: [{ message: 'inconsistent column count on line 1,204' }],
    goals: ['Parse {x}.csv and count the rows'],
    fillers: FILES,
  },
  {
    name: 'json_validator_tool',
    keyword: 'validate',
    intent: 'data',
    weight: 3,
    successRate: 0.98,
    latency: { medianMs: 30, sigma: 0.4 },
    failures: [{ message: 'schema not found' }],
    goals: ['Validate {x}.json against its schema'],
    fillers: FILES,
  },
  {
    name: 'sql_query_tool',
    keyword: 'query',
    intent: 'data',
    weight: 5,
    successRate: 0.92,
    latency: { medianMs: 450, sigma: 0.6 },
    failures: [
      { message: 'permission denied for table orders' },
      { message: 'statement timeout', timeoutMs: 5000 },
    ],
    goals: ['Query the orders table for customers in {x}'],
    fillers: CITIES,
  },
  {
    name: 'chart_builder_tool',
    keyword: 'chart',
    intent: 'data',
    weight: 3,
    successRate: 0.94,
    latency: { medianMs: 700, sigma: 0.4 },
    failures: [{ message: 'too many series to plot' }],
    goals: ['Draw a bar chart of {x} by month'],
    fillers: ['revenue', 'signups', 'churn', 'support tickets'],
  },
  {
    name: 'summarizer_tool',
    keyword: 'summarize',
    intent: 'text',
    weight: 8,
    successRate: 0.95,
    latency: { medianMs: 2400, sigma: 0.35 },
    failures: [{ message: 'document exceeds the context window' }],
    goals: ['Summarize the article about {x}', 'Summarize this thread in three bullet points'],
    fillers: TOPICS,
  },
  {
    name: 'translator_tool',
    keyword: 'translate',
    intent: 'text',
    weight: 6,
    successRate: 0.96,
    regression: { sinceDaysAgo: 7, successRate: 0.45 },
    latency: { medianMs: 900, sigma: 0.4 },
    failures: [{ message: 'unsupported language pair' }, { message: 'provider returned HTTP 500' }],
    goals: ['Translate "{x}" into Portuguese', 'Translate "{x}" into Japanese'],
    fillers: [
      'good morning',
      'where is the station',
      'the invoice is attached',
      'thank you for waiting',
    ],
  },
  {
    name: 'sentiment_analyzer_tool',
    keyword: 'sentiment',
    intent: 'text',
    weight: 4,
    successRate: 0.93,
    latency: { medianMs: 150, sigma: 0.4 },
    failures: [{ message: 'text too short to classify' }],
    goals: ['Classify the sentiment of this review: "{x}"'],
    fillers: ['Loved it, arrived early', 'Broke after two days', 'It is fine I guess'],
  },
  {
    name: 'spell_checker_tool',
    keyword: 'spelling',
    intent: 'text',
    weight: 3,
    successRate: 0.99,
    latency: { medianMs: 20, sigma: 0.4 },
    failures: [{ message: 'dictionary missing' }],
    goals: ['Fix the spelling in "{x}"'],
    fillers: ['recieve the pakage', 'definately tommorow', 'seperate acommodation'],
  },
  {
    name: 'pdf_extractor_tool',
    keyword: 'pdf',
    intent: 'files',
    weight: 4,
    successRate: 0.3,
    latency: { medianMs: 1800, sigma: 0.8 },
    failures: [
      { message: 'encrypted PDF' },
      { message: 'no text layer (scanned image)' },
      { message: 'worker ran out of memory' },
    ],
    goals: ['Extract the tables from {x}.pdf'],
    fillers: FILES,
  },
  {
    name: 'image_captioner_tool',
    keyword: 'caption',
    intent: 'files',
    weight: 3,
    successRate: 0.89,
    latency: { medianMs: 1600, sigma: 0.4 },
    failures: [{ message: 'unsupported image format' }],
    goals: ['Caption the image {x}.png'],
    fillers: ['storefront', 'whiteboard', 'team_photo'],
  },
  {
    name: 'email_sender_tool',
    keyword: 'email',
    intent: 'communication',
    weight: 5,
    successRate: 0.97,
    latency: { medianMs: 500, sigma: 0.3 },
    failures: [{ message: 'SMTP 550 mailbox unavailable' }],
    goals: ['Email the weekly report to {x}'],
    fillers: PEOPLE,
  },
  {
    name: 'calendar_tool',
    keyword: 'meeting',
    intent: 'communication',
    weight: 4,
    successRate: 0.94,
    latency: { medianMs: 350, sigma: 0.3 },
    failures: [{ message: 'conflict with an existing event' }],
    goals: ['Schedule a meeting with {x} on Thursday'],
    fillers: PEOPLE,
  },
  {
    name: 'ftp_uploader_tool',
    keyword: 'upload',
    intent: 'files',
    weight: 3,
    successRate: 0.15,
    latency: { medianMs: 4000, sigma: 0.4 },
    failures: [
      { message: 'timeout after 30000 ms', timeoutMs: 30000 },
      { message: '530 login incorrect' },
    ],
    goals: ['Upload {x}.zip to the legacy server'],
    fillers: FILES,
  },
  {
    name: 'fax_sender_tool',
    keyword: 'fax',
    intent: 'communication',
    weight: 14,
    successRate: 0.9,
    latency: { medianMs: 9000, sigma: 0.3 },
    failures: [{ message: 'line busy' }],
    goals: ['Fax the signed contract to {x}'],
    fillers: PEOPLE,
    activeUntilDaysAgo: 34,
  },
  {
    name: 'fibonacci_generator',
    keyword: 'fibonacci',
    intent: 'calculation',
    weight: 4,
    successRate: 0.997,
    latency: { medianMs: 3, sigma: 0.4 },
    failures: [{ message: 'n out of range' }],
    goals: ['Give the first {n} Fibonacci numbers'],
    activeFromDaysAgo: 34,
    generated: {
      daysAgo: 35,
      failedAttempts: 0,
      code: 'export default ({ numbers: [n] }) => { const out = [0, 1]; while (out.length < n) out.push(out.at(-1) + out.at(-2)); return out.slice(0, n); };',
    },
  },
  {
    name: 'markdown_table_formatter',
    keyword: 'markdown',
    intent: 'text',
    weight: 3,
    successRate: 0.985,
    latency: { medianMs: 15, sigma: 0.4 },
    failures: [{ message: 'ragged rows' }],
    goals: ['Format these {n} rows as a markdown table'],
    activeFromDaysAgo: 20,
    generated: {
      daysAgo: 21,
      failedAttempts: 1,
      code: 'export default ({ rows }) => [rows[0].join(" | "), rows[0].map(() => "---").join(" | "), ...rows.slice(1).map((r) => r.join(" | "))].join("\\n");',
    },
  },
  {
    name: 'receipt_ocr_parser',
    keyword: 'receipt',
    intent: 'files',
    weight: 3,
    successRate: 0.25,
    latency: { medianMs: 2600, sigma: 0.5 },
    failures: [{ message: 'total not found on receipt' }, { message: 'image too blurry' }],
    goals: ['Read the total from receipt {x}.jpg'],
    fillers: ['taxi_0412', 'hotel_lisbon', 'lunch_team'],
    activeFromDaysAgo: 13,
    generated: {
      daysAgo: 14,
      failedAttempts: 2,
      code: 'export default async ({ text }) => { const m = /TOTAL\\s+([0-9.]+)/.exec(await ocr(text)); if (!m) throw new Error("total not found on receipt"); return Number(m[1]); };',
    },
  },
];

export const UNUSED_GENERATED_TOOLS: readonly UnusedGeneratedTool[] = [
  {
    name: 'slugify_helper',
    daysAgo: 40,
    validationPassed: true,
    goalText: 'Turn article titles into URL slugs',
    code: 'export default ({ text }) => text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");',
  },
  {
    name: 'xml_to_yaml_converter',
    daysAgo: 9,
    validationPassed: false,
    goalText: 'Convert the legacy XML feed to YAML',
    code: 'export default ({ text }) => yaml.dump(parseXml(text));',
    validationErrors: ['ReferenceError: parseXml is not defined', '2 of 5 validation cases failed'],
  },
];

/** Goals no tool serves: the orchestrator answers them itself (intent question or generative). */
export const TOOLLESS_GOALS: readonly string[] = [
  'Who wrote One Hundred Years of Solitude?',
  'Why is the sky blue?',
  'Write a haiku about autumn rain',
  'Draft a friendly reminder about the team lunch',
  'What does idempotent mean?',
];

/** Feedback people leave, by rating. */
export const FEEDBACK_TEXT: Readonly<Record<number, readonly string[]>> = {
  1: ['Wrong result', 'It failed again', 'Useless for this'],
  2: ['Took forever', 'Half right'],
  3: ['OK but slow', 'Fine'],
  4: ['Good', 'Helpful'],
  5: ['Perfect answer!', 'Exactly what I needed', 'Fast and correct'],
};
