import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** Only this server's own resources (images also as data: URLs), nothing from elsewhere, and no framing. */
function ownResourcesOnly(styleSrc: string[]) {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc,
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'"],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/** helmet's headers (nosniff, no framing, …), the Referrer-Policy and this Content Security Policy. */
function helmetWith(styleSrc: string[]): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: ownResourcesOnly(styleSrc) },
    referrerPolicy: { policy: 'same-origin' },
  });
}

/**
 * The admin UI's pages load only their own scripts and styles: no inline script, no
 * inline style, nothing from elsewhere, and no framing.
 */
export function securityHeaders(): RequestHandler {
  return helmetWith(["'self'"]);
}

/**
 * The queue dashboard gets the same headers but one: it is a third-party React app that
 * sets style attributes and ships an inline <style> for its loading spinner, so its pages
 * allow inline styles; scripts stay 'self' only, and its web fonts are not fetched from outside.
 */
export function dashboardSecurityHeaders(): RequestHandler {
  return helmetWith(["'self'", "'unsafe-inline'"]);
}
