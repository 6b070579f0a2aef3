import * as assert from 'node:assert/strict';
import { commandLineLabel, redactCommandLine } from '../../src/core/commandLabel';

describe('command line label', () => {
  it('hides the values of secret environment assignments and flags', () => {
    assert.equal(
      redactCommandLine('VERIFF_API_URL=http://127.0.0.1:5000/v1 VERIFF_API_KEY=1b2c3d4e-aaaa VERIFF_SHARED_SECRET=s3cr3t npm test'),
      'VERIFF_API_URL=http://127.0.0.1:5000/v1 VERIFF_API_KEY=*** VERIFF_SHARED_SECRET=*** npm test',
    );
    assert.equal(redactCommandLine('node run.js --api-key abc123 --token="x y" --verbose'), 'node run.js --api-key *** --token=*** --verbose');
    assert.equal(redactCommandLine("GITHUB_TOKEN='t o k' npx jest --secret=zzz"), 'GITHUB_TOKEN=*** npx jest --secret=***');
  });

  it('leaves ordinary commands alone, and a flag followed by another flag', () => {
    assert.equal(redactCommandLine('  npm   test -- --grep  "create session" '), 'npm test -- --grep "create session"');
    assert.equal(redactCommandLine('pytest --no-secret-check -k smoke'), 'pytest --no-secret-check -k smoke');
    assert.equal(redactCommandLine('npm run keygen'), 'npm run keygen');
  });

  it('hides URL user info, -u user:pass, -p<password>, --password, Authorization/Bearer/Basic values and *_KEY/_SECRET/_TOKEN/_PASSWORD assignments', () => {
    const cases: Array<[string, string, string[]]> = [
      ['psql postgres://app:Sup3rS3cret@db.internal:5432/app -c "select 1"', 'psql postgres://***@db.internal:5432/app -c "select 1"', ['Sup3rS3cret']],
      ['git clone https://ghp_T0kenValue1@github.com/o/r.git', 'git clone https://***@github.com/o/r.git', ['ghp_T0kenValue1']],
      ['curl -u admin:hunter2 https://api.example.com/x', 'curl -u *** https://api.example.com/x', ['hunter2']],
      ['curl --user=admin:hunter2 -uroot:toor https://h', 'curl --user=*** -u*** https://h', ['hunter2', 'toor']],
      ['mysql -h db -pS3cretPw app', 'mysql -h db -p*** app', ['S3cretPw']],
      ['mysql --password=S3cretPw2 && mysqldump --password S3cretPw3', 'mysql --password=*** && mysqldump --password ***', ['S3cretPw2', 'S3cretPw3']],
      ['curl -H "Authorization: Bearer eyJhbGciOi.abc.def" https://h', 'curl -H "Authorization: Bearer ***" https://h', ['eyJhbGciOi']],
      ["curl -H 'Authorization: Basic YWRtaW46aHVudGVyMg==' https://h", "curl -H 'Authorization: Basic ***' https://h", ['YWRtaW46aHVudGVyMg']],
      ['curl -H "X-AUTH-CLIENT: 1b2c3d4e-0000-4000-8000-000000000000" https://h', 'curl -H "X-AUTH-CLIENT: ***" https://h', ['1b2c3d4e-0000']],
      ['DB_PASSWORD=pw1234 AWS_SECRET_ACCESS_KEY=abcd/efgh SLACK_TOKEN=xoxb-1 npm test', 'DB_PASSWORD=*** AWS_SECRET_ACCESS_KEY=*** SLACK_TOKEN=*** npm test', ['pw1234', 'abcd/efgh', 'xoxb-1']],
      ['MYSQL_PWD=zz9zz9 make', 'MYSQL_PWD=*** make', ['zz9zz9']],
    ];
    for (const [input, expected, secrets] of cases) {
      const redacted = redactCommandLine(input);
      assert.equal(redacted, expected, input);
      const label = commandLineLabel(input, 60) ?? '';
      for (const secret of secrets) {
        assert.ok(!redacted.includes(secret) && !label.includes(secret), `${secret} kept in ${redacted} / ${label}`);
      }
    }
  });

  it('keeps ordinary short flags and user names without a password', () => {
    assert.equal(redactCommandLine('mkdir -p build && ls -plah && git push -u origin main'), 'mkdir -p build && ls -plah && git push -u origin main');
    assert.equal(redactCommandLine('curl https://example.com/a@b'), 'curl https://example.com/a@b');
  });

  it('cuts a long label and gives undefined for a blank command', () => {
    assert.equal(commandLineLabel('npm test', 60), 'npm test');
    assert.equal(commandLineLabel('x'.repeat(70), 60), `${'x'.repeat(60)}…`);
    assert.equal(commandLineLabel('SHARED_SECRET=abcdef npm test', 60), 'SHARED_SECRET=*** npm test');
    assert.equal(commandLineLabel('   ', 60), undefined);
  });
});
