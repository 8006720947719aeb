// Viewer response: the publish stage writes WordPress's old URLs as empty objects carrying
// x-amz-website-redirect-location. Only the S3 website endpoint honours it, and origin access control
// needs the REST endpoint, so the redirect is made here from the header S3 returns with the object.
// Previews (a pull request's under <site>/previews/pr-N/, a branch's under <site>/branches/<slug>/)
// are for people, not search engines: S3 cannot set X-Robots-Tag on an object, so it is set here.
// A site's own headers (its _headers file: CORS, Permissions-Policy, Link, ...) are kept with each
// object as S3 metadata, x-amz-meta-h-<name>, and sent here as <name>; other metadata is not sent.
// The publish step never writes a header the stack's response headers policy sets (HSTS, CSP, ...).
// A page's inline scripts run by their digests: the build keeps them in x-amz-meta-script-hashes, and
// they join the script-src of the Content-Security-Policy the response headers policy has added
// (CloudFront adds a policy's headers before the viewer-response function runs) for that page alone;
// an event handler's digest comes after the unsafe-hashes keyword, which CSP needs to run it.
var PREVIEW = /\/(previews\/pr-[0-9]+|branches\/[^\/]+)\//;
var METADATA = 'x-amz-meta-';
var SITE_HEADER = 'x-amz-meta-h-';
var DIGEST = /^sha256-[A-Za-z0-9+\/]{43}=$/;
var SCRIPT_SRC = /(^|;\s*)script-src(?=[\s;]|$)/;

function withScriptHashes(policy, hashes) {
    var digests = hashes.split(' ').filter(function (d) { return d.length > 0; });
    if (digests.length === 0) {
        return policy;
    }
    for (var i = 0; i < digests.length; i++) {
        if (!DIGEST.test(digests[i]) && digests[i] !== 'unsafe-hashes') {
            return policy;
        }
    }
    var quoted = digests.map(function (d) { return "'" + d + "'"; }).join(' ');
    return policy.replace(SCRIPT_SRC, function (match, lead) { return lead + 'script-src ' + quoted; });
}

// The hosts a site's operator lets its pages load from (presslift site update --page-hosts) come in
// x-amz-meta-page-hosts and join these directives; one the policy lacks is added with 'self'.
var HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
var PAGE_DIRECTIVES = ['script-src', 'style-src', 'font-src', 'connect-src', 'frame-src'];

function withPageHosts(policy, hosts) {
    var names = hosts.split(' ').filter(function (h) { return h.length > 0; });
    if (names.length === 0 || names.length > 20) {
        return policy;
    }
    for (var i = 0; i < names.length; i++) {
        if (names[i].length > 253 || !HOST.test(names[i])) {
            return policy;
        }
    }
    var sources = names.map(function (h) { return 'https://' + h; }).join(' ');
    var parts = policy.split(';').map(function (p) { return p.trim(); }).filter(function (p) { return p.length > 0; });
    PAGE_DIRECTIVES.forEach(function (directive) {
        for (var j = 0; j < parts.length; j++) {
            if (parts[j] === directive || parts[j].indexOf(directive + ' ') === 0) {
                parts[j] = parts[j] + ' ' + sources;
                return;
            }
        }
        parts.push(directive + " 'self' " + sources);
    });
    return parts.join('; ');
}

function handler(event) {
    var response = event.response;
    var target = response.headers['x-amz-website-redirect-location'];
    if (!target || !target.value) {
        var hashes = response.headers['x-amz-meta-script-hashes'];
        var policy = response.headers['content-security-policy'];
        if (hashes && hashes.value && policy && policy.value) {
            policy.value = withScriptHashes(policy.value, hashes.value);
        }
        var hosts = response.headers['x-amz-meta-page-hosts'];
        if (hosts && hosts.value && policy && policy.value) {
            policy.value = withPageHosts(policy.value, hosts.value);
        }
        var names = Object.keys(response.headers);
        for (var i = 0; i < names.length; i++) {
            var name = names[i];
            if (name.indexOf(SITE_HEADER) === 0 && name.length > SITE_HEADER.length) {
                response.headers[name.slice(SITE_HEADER.length)] = response.headers[name];
            }
            if (name.indexOf(METADATA) === 0) {
                delete response.headers[name];
            }
        }
        if (event.request && PREVIEW.test(event.request.uri)) {
            response.headers['x-robots-tag'] = { value: 'noindex, nofollow' };
        }
        return response;
    }
    return {
        statusCode: 301,
        statusDescription: 'Moved Permanently',
        headers: {
            'location': { value: target.value },
            'cache-control': { value: 'max-age=3600' }
        }
    };
}
