// Viewer response: the publish stage writes WordPress's old URLs as empty objects carrying
// x-amz-website-redirect-location. Only the S3 website endpoint honours it, and origin access control
// needs the REST endpoint, so the redirect is made here from the header S3 returns with the object.
function handler(event) {
    var response = event.response;
    var target = response.headers['x-amz-website-redirect-location'];
    if (!target || !target.value) {
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
