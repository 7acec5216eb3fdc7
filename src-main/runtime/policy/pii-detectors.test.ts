import { describe, expect, it } from 'vitest';
import { ibanValid } from './iban';
import { luhnValid, validateCardNumber } from './pii-detectors';
import { PiiScanner, applyRedactions } from './pii-scanner';

const scanner = new PiiScanner();
const types = (text: string): string[] => scanner.find(text).map((match) => match.type);
const found = (text: string): string[] => scanner.find(text).map((match) => text.slice(match.start, match.end));
const redact = (text: string): string => applyRedactions(text, scanner.find(text));

describe('email', () => {
  it('finds addresses with subdomains, plus tags and a sentence-final period', () => {
    expect(redact('Contact ceo@acme.com.')).toBe('Contact [EMAIL_REDACTED].');
    expect(found('write to first.last+tag@mail.example.co.uk now')).toEqual(['first.last+tag@mail.example.co.uk']);
  });

  it('ignores things that only look like addresses', () => {
    expect(types('user@localhost and @handle and a@b.c and foo@bar.123')).toEqual([]);
  });
});

describe('SSN', () => {
  it('finds dashed and spaced SSNs', () => {
    expect(redact('SSN 123-45-6789 on file')).toBe('SSN [SSN_REDACTED] on file');
    expect(types('ssn: 219 09 9999')).toEqual(['SSN']);
  });

  it('excludes numbers never issued: area 000, 666, 9xx, group 00, serial 0000', () => {
    for (const ssn of ['000-12-3456', '666-12-3456', '900-12-3456', '987-65-4321', '123-00-4567', '123-45-0000']) expect(types(`id ${ssn}`)).toEqual([]);
  });

  it('does not take a date or a longer dashed number for an SSN', () => {
    expect(types('on 2024-01-15 ref 1123-45-67890')).toEqual([]);
  });
});

describe('credit card', () => {
  it('checks Luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
  });

  it('finds Luhn-valid numbers with spaces, dashes or none, 13 to 19 digits', () => {
    expect(redact('card 4111 1111 1111 1111 exp 12/29')).toBe('card [CREDIT_CARD_REDACTED] exp 12/29');
    expect(types('mc 5500-0000-0000-0004')).toEqual(['CREDIT_CARD']);
    expect(types('amex 3782 822463 10005')).toEqual(['CREDIT_CARD']);
    expect(types('discover 6011111111111117')).toEqual(['CREDIT_CARD']);
  });

  it('leaves random 16-digit numbers that fail Luhn alone', () => {
    expect(types('order 4111 1111 1111 1112 and tracking 1234567890123456')).toEqual([]);
    expect(types('zeros 0000 0000 0000 0000')).toEqual([]);
  });

  it('keeps only the card when a digit group follows it', () => {
    expect(validateCardNumber('4111 1111 1111 1111 12')).toBe('4111 1111 1111 1111'.length);
    expect(redact('4111 1111 1111 1111 12 units')).toBe('[CREDIT_CARD_REDACTED] 12 units');
  });

  it('finds a card glued to a preceding reference by a dash', () => {
    expect(redact('ref 12-4111-1111-1111-1111')).toBe('ref 12-[CREDIT_CARD_REDACTED]');
  });
});

describe('IBAN', () => {
  it('checks country length and mod 97', () => {
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('GB29NWBK60161331926819')).toBe(true);
    expect(ibanValid('DE89 3704 0044 0532 0130 01')).toBe(false);
    expect(ibanValid('DE89 3704 0044 0532 0130 0')).toBe(false);
    expect(ibanValid('ZZ89 3704 0044 0532 0130 00')).toBe(false);
  });

  it('finds valid IBANs printed grouped or compact, and only them', () => {
    expect(redact('pay DE89 3704 0044 0532 0130 00 today')).toBe('pay [IBAN_REDACTED] today');
    expect(types('NL91ABNA0417164300')).toEqual(['IBAN']);
    expect(types('FR14 2004 1010 0505 0001 3M02 606')).toEqual(['IBAN']);
    // The digits after "DE" may still pass Luhn by chance (1 in 10); only the IBAN verdict matters here.
    expect(types('DE89 3704 0044 0532 0130 01')).not.toContain('IBAN');
    expect(types('GB29 NWBK 6016 1331 9268 18')).toEqual([]);
  });

  it('stops at the country length even when another group follows', () => {
    expect(redact('BE68 5390 0754 7034 2024 budget')).toBe('[IBAN_REDACTED] 2024 budget');
  });
});

describe('phone', () => {
  it('finds NANP numbers with separators and international numbers', () => {
    for (const phone of ['555-123-4567', '(555) 123-4567', '555.123.4567', '1-800-555-0199', '+1 555 123 4567', '+1 (555) 123-4567', '+44 20 7946 0958', '+33 1 23 45 67 89', '+4915112345678']) {
      expect(found(`call ${phone} today`), phone).toEqual([phone]);
    }
  });

  it('leaves plain long numbers, dates, times, versions and SSNs alone', () => {
    for (const text of ['invoice 1234567890', 'on 2024-01-15', 'at 12:30:45', 'version 1.2.3', 'total 12,345,678', 'call +12', 'id 555-1234-567']) {
      expect(types(text), text).toEqual([]);
    }
    expect(types('123-45-6789')).toEqual(['SSN']);
  });
});

describe('IP address', () => {
  it('finds IPv4 with octets up to 255', () => {
    expect(redact('from 192.168.1.1 and 10.0.0.255.')).toBe('from [IP_ADDRESS_REDACTED] and [IP_ADDRESS_REDACTED].');
  });

  it('leaves out-of-range octets and longer dotted numbers alone', () => {
    expect(types('256.1.1.1 999.999.999.999 1.2.3 1.2.3.4.5')).toEqual([]);
  });

  it('finds IPv6, compressed and IPv4-mapped, as one value', () => {
    for (const ip of ['2001:db8::1', 'fe80::1ff:fe23:4567:890a', '2001:0db8:85a3:0000:0000:8a2e:0370:7334', '::ffff:192.0.2.128']) {
      expect(found(`host ${ip} up`), ip).toEqual([ip]);
    }
  });

  it('leaves times, MAC addresses and C++ scopes alone', () => {
    expect(types('at 12:30:45, mac 00:1A:2B:3C:4D:5E, std::vector and ::')).toEqual([]);
  });
});

describe('user redact patterns', () => {
  it('redacts with [REDACTED] under rule safety.redact_patterns[i], Python-style flags honoured', () => {
    const custom = new PiiScanner(['(?i)password', String.raw`\bproj-\d{4}\b`]);
    const text = 'My PASSWORD for proj-1234';
    const matches = custom.find(text);
    expect(applyRedactions(text, matches)).toBe('My [REDACTED] for [REDACTED]');
    expect(matches.map((match) => match.rule)).toEqual(['safety.redact_patterns[0]', 'safety.redact_patterns[1]']);
  });

  it('refuses a pattern that does not compile, naming its index', () => {
    expect(() => new PiiScanner(['ok', '(unclosed'])).toThrow(/redact_patterns\[1\]/);
  });

  it('skips empty matches instead of looping', () => {
    expect(new PiiScanner(['x*']).find('abc xx')).toHaveLength(1);
  });
});

describe('overlaps', () => {
  it('lets the longest match win, so text is redacted once', () => {
    const custom = new PiiScanner(['acme']);
    expect(applyRedactions('ceo@acme.com', custom.find('ceo@acme.com'))).toBe('[EMAIL_REDACTED]');
    const text = 'mapped ::ffff:192.0.2.128 here';
    expect(applyRedactions(text, scanner.find(text))).toBe('mapped [IP_ADDRESS_REDACTED] here');
  });

  it('is deterministic between equally long matches: the earlier rule wins', () => {
    const custom = new PiiScanner(['\\d{3}-\\d{2}-\\d{4}']);
    expect(custom.find('123-45-6789').map((match) => match.type)).toEqual(['SSN']);
  });

  it('redacts adjacent values separately and keeps the text between them', () => {
    expect(redact('a@b.com,c@d.org;555-123-4567')).toBe('[EMAIL_REDACTED],[EMAIL_REDACTED];[PHONE_REDACTED]');
  });
});
