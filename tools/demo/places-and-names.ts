/**
 * The stuff of a plausible English provider. Phone numbers come from Ofcom's ranges kept
 * for drama (0113 496 0xxx, 020 7946 0xxx, 01632 960xxx, 07700 900xxx…) and web and mail domains end
 * in `.example` or are example.com/.org/.net, so no demo record reaches a real person.
 */

export interface Town {
  name: string;
  county: string;
  /** Outward codes of the town's postcodes. */
  outward: readonly string[];
  /** A drama-range landline number without its last three digits. */
  phonePrefix: string;
  localities: readonly string[];
}

const range = (area: string, from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${area}${from + i}`);

export const TOWNS: readonly Town[] = [
  {
    name: 'Leeds',
    county: 'West Yorkshire',
    outward: range('LS', 1, 28),
    phonePrefix: '0113 496 0',
    localities: ['Headingley', 'Chapel Allerton', 'Armley', 'Holbeck', 'Roundhay', 'Horsforth'],
  },
  { name: 'Bradford', county: 'West Yorkshire', outward: range('BD', 1, 15), phonePrefix: '01632 960', localities: ['Shipley', 'Manningham', 'Idle', 'Thornton'] },
  {
    name: 'Manchester',
    county: 'Greater Manchester',
    outward: range('M', 1, 40),
    phonePrefix: '0161 496 0',
    localities: ['Ancoats', 'Didsbury', 'Chorlton', 'Salford Quays', 'Levenshulme'],
  },
  { name: 'Birmingham', county: 'West Midlands', outward: range('B', 1, 45), phonePrefix: '0121 496 0', localities: ['Digbeth', 'Edgbaston', 'Erdington', 'Moseley', 'Aston'] },
  { name: 'Sheffield', county: 'South Yorkshire', outward: range('S', 1, 35), phonePrefix: '0114 496 0', localities: ['Hillsborough', 'Ecclesall', 'Attercliffe', 'Walkley'] },
  { name: 'Bristol', county: 'Bristol', outward: range('BS', 1, 16), phonePrefix: '0117 496 0', localities: ['Clifton', 'Bedminster', 'Redland', 'Fishponds'] },
  { name: 'Nottingham', county: 'Nottinghamshire', outward: range('NG', 1, 17), phonePrefix: '0115 496 0', localities: ['Beeston', 'Sneinton', 'Arnold', 'West Bridgford'] },
  { name: 'Newcastle upon Tyne', county: 'Tyne and Wear', outward: range('NE', 1, 15), phonePrefix: '0191 498 0', localities: ['Jesmond', 'Gosforth', 'Byker', 'Heaton'] },
  { name: 'Liverpool', county: 'Merseyside', outward: range('L', 1, 25), phonePrefix: '0151 496 0', localities: ['Anfield', 'Wavertree', 'Toxteth', 'Allerton'] },
  { name: 'Leicester', county: 'Leicestershire', outward: range('LE', 1, 5), phonePrefix: '0116 496 0', localities: ['Belgrave', 'Clarendon Park', 'Aylestone'] },
  { name: 'Reading', county: 'Berkshire', outward: range('RG', 1, 6), phonePrefix: '0118 496 0', localities: ['Caversham', 'Earley', 'Tilehurst'] },
  { name: 'London', county: 'Greater London', outward: range('E', 1, 17), phonePrefix: '020 7946 0', localities: ['Stratford', 'Bow', 'Hackney', 'Walthamstow', 'Poplar'] },
];

/** A drama-range mobile number without its last three digits. */
export const MOBILE_PREFIX = '07700 900';

export const FEMALE_NAMES = [
  'Amira',
  'Olivia',
  'Amelia',
  'Isla',
  'Ava',
  'Mia',
  'Sophia',
  'Grace',
  'Lily',
  'Freya',
  'Emily',
  'Ella',
  'Poppy',
  'Chloe',
  'Zara',
  'Aisha',
  'Priya',
  'Hannah',
  'Jessica',
  'Lucy',
  'Niamh',
  'Sienna',
  'Maya',
  'Evie',
  'Ruby',
  'Fatima',
  'Leah',
  'Katie',
  'Megan',
  'Holly',
] as const;

export const MALE_NAMES = [
  'Oliver',
  'George',
  'Noah',
  'Arthur',
  'Harry',
  'Leo',
  'Muhammad',
  'Jack',
  'Charlie',
  'Oscar',
  'Jacob',
  'Thomas',
  'Ethan',
  'Adam',
  'Kieran',
  'Ryan',
  'Callum',
  'Liam',
  'Daniel',
  'Joshua',
  'Aaron',
  'Bilal',
  'Rohan',
  'Tyler',
  'Connor',
  'Lewis',
  'Samuel',
  'Dylan',
  'Nathan',
  'Jamal',
] as const;

export const NEUTRAL_NAMES = ['Alex', 'Sam', 'Jordan', 'Charlie', 'Robin', 'Jamie', 'Morgan', 'Riley'] as const;

export const SURNAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Wilson',
  'Johnson',
  'Davies',
  'Patel',
  'Robinson',
  'Wright',
  'Thompson',
  'Evans',
  'Walker',
  'White',
  'Roberts',
  'Green',
  'Hall',
  'Wood',
  'Jackson',
  'Clarke',
  'Khan',
  'Hussain',
  'Ahmed',
  'Begum',
  'Singh',
  'Kaur',
  'Shah',
  'Ali',
  "O'Brien",
  'Murphy',
  'Kelly',
  'Hughes',
  'Edwards',
  'Turner',
  'Hill',
  'Moore',
  'Cooper',
  'Ward',
  'Morris',
  'King',
  'Harrison',
  'Baker',
  'Lewis',
  'Mitchell',
  'Nowak',
  'Kowalski',
  'Okafor',
  'Mensah',
  'Adeyemi',
  'Nguyen',
  'Chen',
  'Da Silva',
  'Fletcher',
  'Barker',
  'Holt',
] as const;

export const STREETS = [
  'High Street',
  'Station Road',
  'Church Lane',
  'Victoria Road',
  'Park Avenue',
  'Mill Lane',
  'Green Lane',
  'Kings Road',
  'Queen Street',
  'New Road',
  'Albert Street',
  'Manor Way',
  'Springfield Road',
  'Grange Drive',
  'Windsor Close',
  'Elm Grove',
  'Chapel Street',
  'Westfield Avenue',
  'Oak Crescent',
  'Beech Road',
  'Canal Street',
  'Market Street',
  'York Road',
  'Moor Lane',
] as const;

export const BUSINESS_PARKS = [
  'Aire Valley Business Park',
  'Riverside Industrial Estate',
  'Enterprise Park',
  'Meridian Business Centre',
  'Canalside Works',
  'Kingsway Trading Estate',
  'Beacon Park',
  'Sovereign Court',
  'Phoenix Business Park',
  'Castle Mills',
] as const;

/** Employer names are built from these three parts (and, past their product, a family name in front). */
export const EMPLOYER_PLACES = [
  'Pennine',
  'Northgate',
  'Riverside',
  'Aire Valley',
  'Castle',
  'Meridian',
  'Summit',
  'Oakwood',
  'Kingsway',
  'Beacon',
  'Calder',
  'Sterling',
  'Harbour',
  'Granite',
  'Willow',
  'Crown',
  'Redbrick',
  'Greenfield',
  'Highland',
  'Brightside',
  'Ashford',
  'Millbrook',
  'Westgate',
  'Eastfield',
  'Trent',
  'Mersey',
  'Avon',
  'Tyne',
  'Severn',
  'Chiltern',
] as const;

export const EMPLOYER_TRADES = [
  'Engineering',
  'Care Services',
  'Logistics',
  'Software',
  'Business Services',
  'Facilities Management',
  'Manufacturing',
  'Motors',
  'Construction',
  'Dental Care',
  'Hotels',
  'Retail',
  'Accountancy',
  'Digital',
  'Plumbing & Heating',
  'Electrical',
  'Nurseries',
  'Housing Association',
  'Print',
  'Foods',
] as const;

export const EMPLOYER_SUFFIXES = ['Ltd', 'Limited', 'plc', 'LLP', 'Group Ltd'] as const;

export const EMPLOYER_SIZES = [
  ['1-9', 3],
  ['10-49', 4],
  ['50-249', 3],
  ['250-999', 1.5],
  ['1000+', 0.8],
] as const;

export const REVIEW_NOTES = [
  'Good progress against the KSBs; OTJ log up to date.',
  'Portfolio evidence reviewed; two units signed off.',
  'Discussed upcoming gateway; employer supportive.',
  'Behind on OTJ hours; action plan agreed with line manager.',
  'Functional skills maths mock passed.',
  'Learner settling in well; induction paperwork complete.',
  'Reflective account needs more detail before sign-off.',
] as const;

export const PROVIDER_DOMAIN = 'northfield-training.example';

export const LEARNER_MAIL_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;
