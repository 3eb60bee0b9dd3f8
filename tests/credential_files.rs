//! Tests: credential files (path-scoped rules): one fixture per kind with the exact
//! finding, a negative twin of each, weak passwords (low severity and a note in every
//! format), and path scoping in each scan mode.

use crate::util::TestEnv;

/// Credential files with a fake secret each (`pos/`), and their negative twins (`neg/`).
const FILES: &[(&str, &str)] = &[
    ("pos/.netrc", "machine ftp.acme-corp.test\n  login deploy\n  password QEp=brM5Pag3bE\nmachine db.acme-corp.test login app password pass123\n"),
    ("pos/win/_netrc", "machine files.acme-corp.test login ci password Gl4x^Ni8pK5bQz\r\n"),
    ("pos/.pgpass", "# hostname:port:database:username:password\ndb.acme-corp.test:5432:orders:app_rw:u.x#ZpL~P9Q!\nlocalhost:5432:*:postgres:postgres\n"),
    ("pos/.git-credentials", "https://deploy-bot:Qt%21%212zpJzvN%40tJ@git.acme-corp.test\n"),
    ("pos/postfix/sasl_passwd", "[smtp.acme-corp.test]:587 alerts@acme-corp.test:sCcY^Wi3xR52ry\n"),
    ("pos/.curlrc", "silent\nuser = \"ci-bot:9*Gr=xr.SR!o^d\"\n"),
    ("pos/.subversion/auth/svn.simple/5671adf2865e267db74f09ba6f872c28", "K 8\npasstype\nV 6\nsimple\nK 8\npassword\nV 14\n!QoAs4d!dDM3T7\nK 15\nsvn:realmstring\nV 40\n<https://svn.acme-corp.test:443> Acme SVN\nEND\n"),
    ("pos/ansible/.vault_pass", "bq%bnaYu9ct0D#\n"),
    ("pos/web/.htpasswd", "admin:$apr1$smiHxhw1$3O.kIsDdP4QoWljpKCXXKD\n"),
    ("pos/etc/shadow", "root:*:19700:0:99999:7:::\ndeploy:$6$zFmt6o6zRA0kEBOj$4gGeJhwxS1tzfp.Y.ancKSpVYNALy8zn51LAz5ybw.yQnFvn64rSVuwp.WKuEe.ZWhvTPT4zMc0eSZrbGRhsQB:19700:0:99999:7:::\n"),
    ("pos/home/.my.cnf", "[client]\nuser=app_rw\npassword=\"LKfFDvUgLMEfbu7\"\n"),
    ("pos/home/.pypirc", "[distutils]\nindex-servers = internal\n\n[internal]\nrepository = https://pypi.acme-corp.test/\nusername = ci\npassword = ~+9LmBoDMxQ6IP\n"),
    ("pos/home/.config/rclone/rclone.conf", "[backup]\ntype = sftp\nhost = files.acme-corp.test\nuser = backup\npass = 5dWs9tX2kHq7VZm0bLr8Yw3eFJc1aUnP\n"),
    ("pos/home/.s3cfg", "[default]\nhost_base = s3.acme-corp.test\nsecret_key = Qt!!2zpJzvN@tJ8x\n"),
    ("pos/java/gradle.properties", "org.gradle.jvmargs=-Xmx2g\nossrhUsername=ci\nossrhPassword=Gl4x^Ni8pK5bQz\n"),
    ("pos/win/WinSCP.ini", "[Sessions\\deploy@files.acme-corp.test]\nHostName=files.acme-corp.test\nUserName=deploy\nPassword=CE21F0751E521ED1E941B56B59DFD98DF4CDDF378D19894E18EA2EA6022B\n"),
    ("pos/filezilla/sitemanager.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<FileZilla3>\n  <Servers>\n    <Server>\n      <Host>ftp.acme-corp.test</Host>\n      <User>deploy</User>\n      <Pass>ftp2024</Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n"),
    ("pos/.m2/settings.xml", "<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <username>ci</username>\n      <password>{COQLCE6DU6GtcS5P=}</password>\n    </server>\n  </servers>\n</settings>\n"),
    ("pos/tomcat/conf/tomcat-users.xml", "<tomcat-users>\n  <user username=\"manager\" password=\"Qt!!2zpJzvN@tJ\" roles=\"manager-gui\"/>\n</tomcat-users>\n"),
    ("pos/dotnet/NuGet.Config", "<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key=\"Username\" value=\"ci\" />\n      <add key=\"ClearTextPassword\" value=\"sCcY^Wi3xR52ry\" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n"),
    ("pos/deploy/autounattend.xml", "<UserAccounts>\n  <AdministratorPassword>\n    <Value>u.x#ZpL~P9Q!</Value>\n    <PlainText>true</PlainText>\n  </AdministratorPassword>\n</UserAccounts>\n"),
    ("pos/ide/.idea/webServers.xml", "<project version=\"4\">\n  <component name=\"WebServers\">\n    <option name=\"servers\">\n      <webServer id=\"1\" name=\"prod\">\n        <fileTransfer host=\"web01.acme-corp.test\" port=\"22\" accessType=\"SFTP\" username=\"deploy\" password=\"bq%bnaYu9ct0D#\" />\n      </webServer>\n    </option>\n  </component>\n</project>\n"),
    ("pos/sublime/sftp-config.json", "{\n    \"type\": \"sftp\",\n    \"host\": \"web01.acme-corp.test\",\n    \"user\": \"deploy\",\n    \"password\": \"u.x#ZpL~P9Q!\",\n    //\"password\": \"password\",\n}\n"),
    ("pos/code/.vscode/sftp.json", "{\n  \"name\": \"prod\",\n  \"host\": \"web01.acme-corp.test\",\n  \"protocol\": \"sftp\",\n  \"username\": \"deploy\",\n  \"password\": \"9*Gr=xr.SR!o^d\"\n}\n"),
    ("pos/php/auth.json", "{\n  \"http-basic\": {\n    \"repo.acme-corp.test\": {\n      \"username\": \"ci\",\n      \"password\": \"Gl4x^Ni8pK5bQz\"\n    }\n  }\n}\n"),
    ("pos/home/.gem/credentials", "---\n:rubygems_api_key: 094d5cc49bf273bfe8c32aea2c22e7b8\n"),
    ("pos/ruby/.bundle/config", "---\nBUNDLE_PATH: \"vendor/bundle\"\nBUNDLE_GEMS__ACME__TEST: \"ci-bot:9*Gr=xr.SR!o^d\"\n"),
    ("pos/home/.cargo/credentials.toml", "[registries.acme]\ntoken = \"AjLLsk0ZhdshGrh06OqgiQJY0iCV1xIv\"\n"),
    ("pos/js/.npmrc", "@acme:registry=https://npm.acme-corp.test/\n//npm.acme-corp.test/:_authToken=iPUslLgbepMn1m5Y2eFP49Z9W0VhLPFb2iihziiH0qo\n"),
    ("pos/js/.yarnrc.yml", "npmRegistries:\n  \"https://npm.acme-corp.test\":\n    npmAuthToken: \"AjLLsk0ZhdshGrh06-OqgiQJY0iCV1x\"\n"),
    ("pos/redis/redis.conf", "bind 127.0.0.1\nrequirepass QEp=brM5Pag3bE\n"),
    ("pos/sysvol/Groups.xml", "<Groups><User name=\"Administrator (built-in)\"><Properties action=\"U\" cpassword=\"bmjPqx/3lld7McRjXYWJRmJnyAQS7FhYNkpvcvvNzsI\" userName=\"Administrator (built-in)\"/></User></Groups>\n"),
    ("pos/azure/shop.PublishSettings", "<publishData>\n  <publishProfile profileName=\"shop - Web Deploy\" userName=\"$shop\" userPWD=\"KOCfnzM1LINE0pL8PckBJwSRiweNSDPD0cQyfDaiAzPz4OU5SjB43QMtbRKu\" />\n</publishData>\n"),
    ("pos/home/.passwd-s3fs", "backups:GOOG1EQ3EGV7RX2M4TZK:vZJhoEXpqoi9sNTPpSHEMm5jH3P+sbyG73prpZvO\n"),
    ("pos/win/mRemoteNG/confCons.xml", "<Connections Name=\"Connections\" Protected=\"GiUis20DIbnYzWPcdaQKfjE2H5jh//L5v4RGrJMGNXuIq2CttB/d/BxaBR2XPYEX\">\n  <Node Name=\"db01\" Type=\"Connection\" Username=\"admin\" Domain=\"ACME\" Password=\"kKfofXp2BLSP9hv0M/YheJI4q6eJtM9OTEPsVJHwsJ1hVOqKQpRU1FYqWgOVvz+N\" Hostname=\"db01.acme-corp.test\" Protocol=\"RDP\" />\n</Connections>\n"),
    ("pos/home/.local/share/remmina/prod.remmina", "[remmina]\nname=prod\nserver=rdp.acme-corp.test\nusername=admin\npassword=Qt!!2zpJzvN@tJ8x\nprotocol=RDP\n"),
    ("pos/wildfly/standalone/configuration/mgmt-users.properties", "# Users denoted with username=HEX( MD5( username ':' realm ':' password))\n#admin=2a0923285184943425d1f53ddd58ec7a\nadmin=70a5c2caaa637506c4a2640a9a5ff0ab\n"),
    ("pos/jenkins_home/secrets/master.key", "62cf4b185e0d8ba5ced7a3057f234dec12acb338c8abef6b818dc600e61b21bc2eae0e3d9fa5164c3feef1d30851af3b4fe579df07dc1569ec8de9f337cd9ed95c8b3259d852402f6d7763a4f4271cf151b3f844df450cad4691b81a7e85db29a7de0915620848c28edfaf3ff58167f3258d180c52bc4316bd20c183831899aa03d9b088c9b77123abbb31cabbfb9692815c62769c22faad47e76d6f7507fc6cb7e8bf9cf06d75423471e8fa68e09ff11f36417c42dda50cbd0a7358d315ade86a68c09d56528fd0aed403c449e7b6d4c2e633c1b09fda083f74019f5bf653bed89fd347af0250e8ac895bad889fa3c8f6c557c41d1852c9960173208d6bd384"),
    ("neg/.netrc", "machine ftp.acme-corp.test login deploy password ${NETRC_PASSWORD}\nmachine db.acme-corp.test login app password changeme\n"),
    ("neg/win/_netrc", "machine files.acme-corp.test login ci password \"\"\r\n"),
    ("neg/.pgpass", "# hostname:port:database:username:password\ndb.acme-corp.test:5432:orders:app_rw:\n*:*:*:app:${PGPASSWORD}\n"),
    ("neg/.git-credentials", "https://deploy-bot:${GIT_TOKEN}@git.acme-corp.test\nhttps://deploy-bot@git.acme-corp.test\n"),
    ("neg/postfix/sasl_passwd", "# [smtp.example.com]:587 user:password\n[smtp.acme-corp.test]:587 alerts@acme-corp.test:${SMTP_PASSWORD}\n"),
    ("neg/.curlrc", "silent\nuser = \"ci-bot:${CURL_PASSWORD}\"\n"),
    ("neg/.subversion/auth/svn.simple/5671adf2865e267db74f09ba6f872c28", "K 8\npasstype\nV 8\nkeychain\nK 8\nusername\nV 5\nalice\nEND\n"),
    ("neg/ansible/.vault_pass", "#!/bin/sh\nexec vault-keyring-client --vault-id prod\n"),
    ("neg/web/.htpasswd", "# admin:$apr1$smiHxhw1$3O.kIsDdP4QoWljpKCXXKD\n"),
    ("neg/etc/shadow", "root:*:19700:0:99999:7:::\ndeploy:!:19700:0:99999:7:::\n"),
    ("neg/home/.my.cnf", "[client]\nuser=app_rw\npassword=\n"),
    ("neg/home/.pypirc", "[pypi]\nusername = __token__\npassword = <your PyPI token>\n"),
    ("neg/home/.config/rclone/rclone.conf", "[backup]\ntype = sftp\nhost = files.acme-corp.test\npass = ${RCLONE_PASS}\n"),
    ("neg/home/.s3cfg", "[default]\nsecret_key = %(S3_SECRET)s\ngpg_passphrase =\n"),
    ("neg/java/gradle.properties", "org.gradle.jvmargs=-Xmx2g\nossrhPassword=${OSSRH_PASSWORD}\n"),
    ("neg/win/WinSCP.ini", "[Sessions\\deploy@files.acme-corp.test]\nHostName=files.acme-corp.test\nUserName=deploy\nPassword=\n"),
    ("neg/filezilla/sitemanager.xml", "<FileZilla3>\n  <Servers>\n    <Server>\n      <Host>ftp.acme-corp.test</Host>\n      <Pass></Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n"),
    ("neg/.m2/settings.xml", "<settings>\n  <servers>\n    <server>\n      <id>acme-releases</id>\n      <password>${env.MAVEN_PASSWORD}</password>\n    </server>\n  </servers>\n</settings>\n"),
    ("neg/tomcat/conf/tomcat-users.xml", "<tomcat-users>\n<!--\n  <user username=\"admin\" password=\"<must-be-changed>\" roles=\"manager-gui\"/>\n-->\n</tomcat-users>\n"),
    ("neg/dotnet/NuGet.Config", "<configuration>\n  <packageSourceCredentials>\n    <acme>\n      <add key=\"ClearTextPassword\" value=\"%NUGET_PASSWORD%\" />\n    </acme>\n  </packageSourceCredentials>\n</configuration>\n"),
    ("neg/deploy/autounattend.xml", "<AdministratorPassword>\n  <Value></Value>\n</AdministratorPassword>\n"),
    ("neg/ide/.idea/webServers.xml", "<project version=\"4\">\n  <fileTransfer host=\"web01.acme-corp.test\" port=\"22\" accessType=\"SFTP\" username=\"deploy\" />\n</project>\n"),
    ("neg/sublime/sftp-config.json", "{\n    \"type\": \"sftp\",\n    \"host\": \"example.com\",\n    //\"password\": \"password\",\n}\n"),
    ("neg/code/.vscode/sftp.json", "{\n  \"host\": \"web01.acme-corp.test\",\n  \"password\": \"\"\n}\n"),
    ("neg/php/auth.json", "{\n  \"http-basic\": {\n    \"repo.acme-corp.test\": {\n      \"username\": \"ci\",\n      \"password\": \"${COMPOSER_PASSWORD}\"\n    }\n  }\n}\n"),
    ("neg/home/.gem/credentials", "---\n:rubygems_api_key: <%= ENV[\"GEM_HOST_API_KEY\"] %>\n"),
    ("neg/ruby/.bundle/config", "---\nBUNDLE_GEMS__ACME__TEST: \"ci-bot:${GEMS_PASSWORD}\"\n"),
    ("neg/home/.cargo/credentials.toml", "[registries.acme]\ntoken = \"\"\n"),
    ("neg/js/.npmrc", "//npm.acme-corp.test/:_authToken=${NPM_TOKEN}\n"),
    ("neg/js/.yarnrc.yml", "npmRegistries:\n  \"https://npm.acme-corp.test\":\n    npmAuthToken: \"${NPM_AUTH_TOKEN}\"\n"),
    ("neg/redis/redis.conf", "bind 127.0.0.1\n# requirepass foobared\n"),
    ("neg/sysvol/Groups.xml", "<Groups><User><Properties action=\"U\" cpassword=\"\" userName=\"Administrator (built-in)\"/></User></Groups>\n"),
    ("neg/azure/shop.PublishSettings", "<publishData>\n  <publishProfile userName=\"$shop\" userPWD=\"$(DeployPassword)\" />\n</publishData>\n"),
    ("neg/maven-default/settings.xml", "<settings>\n  <servers>\n    <!-- server\n     | NOTE: You should either specify username/password OR privateKey/passphrase.\n     |\n    <server>\n      <id>deploymentRepo</id>\n      <username>repouser</username>\n      <password>repopwd</password>\n    </server>\n    -->\n    <!-- Another sample, using keys to authenticate.\n    <server>\n      <id>siteServer</id>\n      <passphrase>optional; leave empty if not used.</passphrase>\n    </server>\n    -->\n  </servers>\n</settings>\n"),
    ("neg/docs/credential-files.md", "Put `localhost:5432:*:postgres:pass123` in ~/.pgpass and\n`machine db.acme-corp.test login app password pass123` in ~/.netrc.\n"),
    ("neg/config/app.env", "DB_PASSWORD=pass123\n"),
    ("neg/home/.passwd-s3fs", "# bucket:accessKeyId:secretAccessKey\n"),
    ("neg/win/mRemoteNG/confCons.xml", "<Connections Name=\"Connections\">\n  <Node Name=\"db01\" Type=\"Connection\" Username=\"admin\" Password=\"\" Hostname=\"db01.acme-corp.test\" />\n</Connections>\n"),
    ("neg/home/.local/share/remmina/prod.remmina", "[remmina]\nname=prod\nserver=rdp.acme-corp.test\npassword=\n"),
    ("neg/wildfly/standalone/configuration/mgmt-users.properties", "# Users denoted with username=HEX( MD5( username ':' realm ':' password))\n#admin=2a0923285184943425d1f53ddd58ec7a\n"),
    ("neg/jenkins_home/secrets/master.key", ""),
];

/// (path, line, column, rule, secret, weak) of every finding in `FILES`, in report order.
const EXPECTED: &[(&str, usize, usize, &str, &str, bool)] = &[
    ("pos/.curlrc", 2, 16, "curlrc-password", "9*Gr=xr.SR!o^d", false),
    // Percent-encoded: reported decoded, at the encoded password (the URL component with escapes).
    ("pos/.git-credentials", 1, 20, "git-credentials-password", "Qt!!2zpJzvN@tJ", false),
    ("pos/.m2/settings.xml", 6, 17, "xml-credential-file-password", "{COQLCE6DU6GtcS5P=}", false),
    ("pos/.netrc", 3, 12, "netrc-password", "QEp=brM5Pag3bE", false),
    ("pos/.netrc", 4, 46, "netrc-password", "pass123", true),
    ("pos/.pgpass", 2, 38, "pgpass-password", "u.x#ZpL~P9Q!", false),
    ("pos/.pgpass", 3, 27, "pgpass-password", "postgres", true),
    ("pos/.subversion/auth/svn.simple/5671adf2865e267db74f09ba6f872c28", 8, 1, "svn-simple-password", "!QoAs4d!dDM3T7", false),
    ("pos/ansible/.vault_pass", 1, 1, "ansible-vault-password-file", "bq%bnaYu9ct0D#", false),
    ("pos/azure/shop.PublishSettings", 2, 77, "azure-publish-profile-password", "KOCfnzM1LINE0pL8PckBJwSRiweNSDPD0cQyfDaiAzPz4OU5SjB43QMtbRKu", false),
    ("pos/code/.vscode/sftp.json", 6, 16, "json-credential-file-password", "9*Gr=xr.SR!o^d", false),
    ("pos/deploy/autounattend.xml", 3, 12, "xml-credential-file-password", "u.x#ZpL~P9Q!", false),
    ("pos/dotnet/NuGet.Config", 5, 43, "xml-credential-file-password", "sCcY^Wi3xR52ry", false),
    ("pos/etc/shadow", 2, 8, "password-hash-line", "$6$zFmt6o6zRA0kEBOj$4gGeJhwxS1tzfp.Y.ancKSpVYNALy8zn51LAz5ybw.yQnFvn64rSVuwp.WKuEe.ZWhvTPT4zMc0eSZrbGRhsQB", false),
    ("pos/filezilla/sitemanager.xml", 7, 13, "xml-credential-file-password", "ftp2024", true),
    ("pos/home/.cargo/credentials.toml", 2, 10, "cargo-credentials-token", "AjLLsk0ZhdshGrh06OqgiQJY0iCV1xIv", false),
    ("pos/home/.config/rclone/rclone.conf", 5, 8, "ini-credential-file-password", "5dWs9tX2kHq7VZm0bLr8Yw3eFJc1aUnP", false),
    ("pos/home/.gem/credentials", 2, 20, "gem-credentials-key", "094d5cc49bf273bfe8c32aea2c22e7b8", false),
    ("pos/home/.local/share/remmina/prod.remmina", 5, 10, "ini-credential-file-password", "Qt!!2zpJzvN@tJ8x", false),
    ("pos/home/.my.cnf", 3, 11, "ini-credential-file-password", "LKfFDvUgLMEfbu7", false),
    ("pos/home/.passwd-s3fs", 1, 30, "s3fs-passwd-secret", "vZJhoEXpqoi9sNTPpSHEMm5jH3P+sbyG73prpZvO", false),
    ("pos/home/.pypirc", 7, 12, "ini-credential-file-password", "~+9LmBoDMxQ6IP", false),
    ("pos/home/.s3cfg", 3, 14, "ini-credential-file-password", "Qt!!2zpJzvN@tJ8x", false),
    ("pos/ide/.idea/webServers.xml", 5, 107, "xml-credential-file-password", "bq%bnaYu9ct0D#", false),
    ("pos/java/gradle.properties", 3, 15, "gradle-properties-password", "Gl4x^Ni8pK5bQz", false),
    ("pos/jenkins_home/secrets/master.key", 1, 1, "jenkins-master-key", "62cf4b185e0d8ba5ced7a3057f234dec12acb338c8abef6b818dc600e61b21bc2eae0e3d9fa5164c3feef1d30851af3b4fe579df07dc1569ec8de9f337cd9ed95c8b3259d852402f6d7763a4f4271cf151b3f844df450cad4691b81a7e85db29a7de0915620848c28edfaf3ff58167f3258d180c52bc4316bd20c183831899aa03d9b088c9b77123abbb31cabbfb9692815c62769c22faad47e76d6f7507fc6cb7e8bf9cf06d75423471e8fa68e09ff11f36417c42dda50cbd0a7358d315ade86a68c09d56528fd0aed403c449e7b6d4c2e633c1b09fda083f74019f5bf653bed89fd347af0250e8ac895bad889fa3c8f6c557c41d1852c9960173208d6bd384", false),
    ("pos/js/.npmrc", 2, 34, "npm-registry-auth-token", "iPUslLgbepMn1m5Y2eFP49Z9W0VhLPFb2iihziiH0qo", false),
    ("pos/js/.yarnrc.yml", 3, 20, "npm-registry-auth-token", "AjLLsk0ZhdshGrh06-OqgiQJY0iCV1x", false),
    ("pos/php/auth.json", 5, 20, "json-credential-file-password", "Gl4x^Ni8pK5bQz", false),
    ("pos/postfix/sasl_passwd", 1, 49, "sasl-passwd-password", "sCcY^Wi3xR52ry", false),
    ("pos/redis/redis.conf", 2, 13, "redis-requirepass", "QEp=brM5Pag3bE", false),
    ("pos/ruby/.bundle/config", 3, 34, "bundler-config-credentials", "9*Gr=xr.SR!o^d", false),
    ("pos/sublime/sftp-config.json", 5, 18, "json-credential-file-password", "u.x#ZpL~P9Q!", false),
    ("pos/sysvol/Groups.xml", 1, 81, "gpp-cpassword", "bmjPqx/3lld7McRjXYWJRmJnyAQS7FhYNkpvcvvNzsI", false),
    ("pos/tomcat/conf/tomcat-users.xml", 2, 38, "xml-credential-file-password", "Qt!!2zpJzvN@tJ", false),
    ("pos/web/.htpasswd", 1, 7, "htpasswd-hash", "$apr1$smiHxhw1$3O.kIsDdP4QoWljpKCXXKD", false),
    ("pos/wildfly/standalone/configuration/mgmt-users.properties", 3, 7, "jboss-users-hash", "70a5c2caaa637506c4a2640a9a5ff0ab", false),
    ("pos/win/WinSCP.ini", 4, 10, "winscp-password", "CE21F0751E521ED1E941B56B59DFD98DF4CDDF378D19894E18EA2EA6022B", false),
    ("pos/win/_netrc", 1, 48, "netrc-password", "Gl4x^Ni8pK5bQz", false),
    ("pos/win/mRemoteNG/confCons.xml", 2, 80, "xml-credential-file-password", "kKfofXp2BLSP9hv0M/YheJI4q6eJtM9OTEPsVJHwsJ1hVOqKQpRU1FYqWgOVvz+N", false),
];

fn write_all(env: &TestEnv) {
    for (path, text) in FILES {
        env.write(path, text);
    }
}

#[test]
fn every_credential_file_kind_has_its_exact_finding_and_its_twin_has_none() {
    let env = TestEnv::new();
    write_all(&env);
    let (run, findings) = env.scan_json(&[".", "--show-secrets"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    crate::util::assert_findings(&findings, EXPECTED);
    for f in &findings {
        match f.get("note") {
            Some(note) => {
                assert_eq!(note, "weak password in a credential file");
                assert_eq!(f["severity"], "low", "{f}");
            }
            // Password hashes are low by rule; other strong values keep their rule's severity.
            None if f["provider"] == "password-hash" => assert_eq!(f["severity"], "low"),
            None => assert!(
                f["severity"] == "high" || f["severity"] == "critical",
                "{f}"
            ),
        }
    }
}

#[test]
fn a_weak_password_is_low_with_a_note_in_human_json_and_sarif() {
    let env = TestEnv::new();
    env.write(".pgpass", "db.acme-corp.test:5432:orders:app:pass123\n");
    let human = env.run(&["scan", "."]);
    assert_eq!(human.code, 1, "{}", human.stderr);
    assert!(
        human.stdout.contains(
            "1:35  low  pgpass-password  credential-file  ********  (weak password in a credential file)"
        ),
        "{}",
        human.stdout
    );
    let sarif = env.run(&["scan", ".", "--format", "sarif"]);
    let log = sarif.sarif();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["level"], "note");
    let message = result["message"]["text"].as_str().expect("message");
    assert!(
        message.contains("Note: weak password in a credential file."),
        "{message}"
    );
    assert_eq!(
        result["properties"]["note"],
        "weak password in a credential file"
    );
    let (_, findings) = env.scan_json(&["."]);
    assert_eq!(findings[0]["severity"], "low");
    assert_eq!(findings[0]["note"], "weak password in a credential file");
}

#[test]
fn strong_findings_have_no_note_field() {
    let env = TestEnv::new();
    env.write(
        ".pgpass",
        "db.acme-corp.test:5432:orders:app:u.x#ZpL~P9Q!\n",
    );
    let (_, findings) = env.scan_json(&["."]);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["severity"], "high");
    assert!(findings[0].get("note").is_none(), "{}", findings[0]);
}

#[test]
fn path_scoped_rules_need_a_path_so_stdin_does_not_run_them() {
    let env = TestEnv::new();
    let run = env.run_with_stdin(
        &["scan", "-", "--format", "json"],
        Some(b"db.acme-corp.test:5432:orders:app:u.x#ZpL~P9Q!\n"),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json(), serde_json::json!([]));
}

#[test]
fn staged_and_range_scans_know_the_path() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "hello\n");
    let base = env.commit_all("init", "2024-01-02T03:04:05Z");
    env.write(
        "deploy/.pgpass",
        "db.acme-corp.test:5432:orders:app:u.x#ZpL~P9Q!\n",
    );
    env.git(&["add", "deploy/.pgpass"]);
    let (run, staged) = env.scan_json(&["--staged"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(staged.len(), 1, "{staged:?}");
    assert_eq!(staged[0]["rule"], "pgpass-password");
    assert_eq!(staged[0]["source"], "staged");
    assert_eq!(
        (&staged[0]["path"], &staged[0]["line"], &staged[0]["column"]),
        (&"deploy/.pgpass".into(), &1.into(), &35.into())
    );
    env.commit_all("add pgpass", "2024-02-03T10:00:00Z");
    let (run, range) = env.scan_json(&["--range", &format!("{base}..HEAD")]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(range.len(), 1, "{range:?}");
    assert_eq!(range[0]["rule"], "pgpass-password");
    assert_eq!(range[0]["path"], "deploy/.pgpass");
    assert_eq!(range[0]["source"], "commit");
}

#[test]
fn rules_check_rejects_inconsistent_path_fields() {
    let env = TestEnv::new();
    let rule = |extra: &str| {
        format!(
            r#"
[[provider]]
id = "acme"
name = "Acme"
revoke_url = "https://acme.test/keys"
docs_url = "https://acme.test/docs"
steps = ["Change it."]

[[rule]]
id = "acme-conf-password"
name = "Acme password"
provider = "acme"
severity = "high"
confidence = "medium"
regex = '''(?m)^acmepw=(?P<secret>\S+)$'''
{extra}
examples = ["acmepw=u.x#ZpL~P9Q!"]
negative_examples = ["acmepw=${{ACME}}"]
"#
        )
    };
    let cases = [
        (
            "paths = [\"acme.conf\"]\nexample_path = \"other.conf\"",
            "example_path \"other.conf\" does not match",
        ),
        ("paths = [\"acme.conf\"]", "needs an `example_path`"),
        ("credential_file = true", "needs `paths`"),
        ("", "needs at least one keyword"),
        (
            "paths = [\"acme[.conf\"]\nexample_path = \"acme.conf\"",
            "not a valid glob",
        ),
    ];
    for (extra, message) in cases {
        env.write("acme.toml", rule(extra));
        let run = env.run(&["rules", "check", "acme.toml"]);
        assert_eq!(run.code, 2, "{extra}");
        assert!(
            run.stderr.contains("acme.toml") && run.stderr.contains(message),
            "{extra}: {}",
            run.stderr
        );
    }
    env.write(
        "acme.toml",
        rule("paths = [\"acme.conf\"]\nexample_path = \"etc/acme.conf\"\ncredential_file = true"),
    );
    let run = env.run(&["rules", "check", "acme.toml"]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    env.write("etc/acme.conf", "acmepw=Gl4x^Ni8pK5bQz\n");
    env.write("etc/other.conf", "acmepw=Gl4x^Ni8pK5bQz\n");
    let (run, findings) = env.scan_json(&["etc", "--rules", "acme.toml"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let paths: Vec<&str> = findings
        .iter()
        .map(|f| f["path"].as_str().expect("path"))
        .collect();
    assert_eq!(paths, ["etc/acme.conf"]);
}

#[test]
fn rules_list_json_shows_the_paths_of_path_scoped_rules() {
    let env = TestEnv::new();
    let run = env.run(&["rules", "list", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows = run.json();
    let row = |id: &str| {
        rows.as_array()
            .expect("array")
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} is listed"))
            .clone()
    };
    assert_eq!(
        row("pgpass-password")["paths"],
        serde_json::json!([".pgpass", "pgpass.conf"])
    );
    assert_eq!(row("aws-access-key-id")["paths"], serde_json::Value::Null);
}

#[test]
fn history_scans_run_path_scoped_rules_on_the_working_tree() {
    let env = TestEnv::new();
    env.git_init();
    env.write(
        "deploy/.pgpass",
        "db.acme-corp.test:5432:orders:app:u.x#ZpL~P9Q!\n",
    );
    env.commit_all("add pgpass", "2024-02-03T10:00:00Z");
    let (run, findings) = env.scan_json(&["--history", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["rule"], "pgpass-password");
    assert_eq!(findings[0]["path"], "deploy/.pgpass");
    assert_eq!(
        (&findings[0]["line"], &findings[0]["column"]),
        (&1.into(), &35.into())
    );
}

#[test]
fn history_runs_path_scoped_rules_on_credential_files_deleted_since() {
    let env = TestEnv::new();
    env.git_init();
    env.write("README.md", "hello\n");
    // Committed, then deleted: they exist only in history. The same .pgpass content at
    // a path no rule scopes is no finding there.
    env.write(
        "deploy/.pgpass",
        "# ci database\ndb.acme-corp.test:5432:orders:app:u.x#ZpL~P9Q!\n",
    );
    env.write(
        "home/.netrc",
        "machine ftp.acme-corp.test\n  login deploy\n  password QEp=brM5Pag3bE\n",
    );
    env.write(
        "notes/pgpass.txt",
        "# ci database\ndb.acme-corp.test:5432:orders:app:u.x#ZpL~P9Q!\n",
    );
    // A file scoped by its directory (`svn.simple/*`), not by its name.
    env.write(
        "ci/.subversion/auth/svn.simple/5671adf2865e267db74f09ba6f872c28",
        "K 8\npassword\nV 14\n!QoAs4d!dDM3T7\nEND\n",
    );
    let add = env.commit_all("add credentials", "2024-02-03T10:00:00Z");
    for file in [
        "deploy/.pgpass",
        "home/.netrc",
        "ci/.subversion/auth/svn.simple/5671adf2865e267db74f09ba6f872c28",
    ] {
        std::fs::remove_file(env.path().join(file)).expect("rm");
    }
    env.commit_all("remove credentials", "2024-02-04T10:00:00Z");
    let (run, findings) = env.scan_json(&["--history", "."]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // Rescanning the credential files with their paths counts nothing again: 4 blobs
    // (README, the .pgpass content also at notes/pgpass.txt, .netrc, svn.simple) and
    // the 2 working-tree files.
    assert!(run.stderr.contains(" in 6 files, "), "{}", run.stderr);
    let mut got: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().expect("rule"),
                f["path"].as_str().expect("path"),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["in_head"].as_bool(),
                f["commit"]["commit"].as_str().expect("commit"),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                "netrc-password",
                "home/.netrc",
                3,
                12,
                Some(false),
                add.as_str()
            ),
            (
                "pgpass-password",
                "deploy/.pgpass",
                2,
                35,
                Some(false),
                add.as_str()
            ),
            (
                "svn-simple-password",
                "ci/.subversion/auth/svn.simple/5671adf2865e267db74f09ba6f872c28",
                4,
                1,
                Some(false),
                add.as_str()
            ),
        ]
    );
    for f in &findings {
        assert_eq!(f["source"], "commit");
        let introduced = f["introduced"].as_array().expect("introduced");
        assert!(
            introduced.iter().any(|i| i["commit"] == add.as_str()),
            "{introduced:?}"
        );
    }
}

#[test]
fn filezilla_base64_passwords_are_found_decoded_at_the_encoded_value() {
    let env = TestEnv::new();
    let site = |pass: &str| {
        format!(
            "<FileZilla3>\n  <Servers>\n    <Server>\n      <Host>ftp.acme-corp.test</Host>\n      \
             <Pass encoding=\"base64\">{pass}</Pass>\n    </Server>\n  </Servers>\n</FileZilla3>\n"
        )
    };
    // base64("QEp=brM5Pag3bE") and base64("ftp2024"): one strong, one weak password.
    env.write("pos/sitemanager.xml", site("UUVwPWJyTTVQYWczYkU="));
    env.write("pos/recentservers.xml", site("ZnRwMjAyNA=="));
    env.write("neg/sitemanager.xml", site(""));
    env.write("neg/elsewhere.xml", site("UUVwPWJyTTVQYWczYkU="));
    let (run, findings) = env.scan_json(&[".", "--show-secrets"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let got: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path"),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["rule"].as_str().expect("rule"),
                f["secret"].as_str().expect("secret"),
                f["encoding"].as_str().expect("encoding"),
                f["severity"].as_str().expect("severity"),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "pos/recentservers.xml",
                5,
                31,
                "filezilla-base64-password",
                "ftp2024",
                "base64",
                "low"
            ),
            (
                "pos/sitemanager.xml",
                5,
                31,
                "filezilla-base64-password",
                "QEp=brM5Pag3bE",
                "base64",
                "high"
            ),
        ]
    );
    assert_eq!(findings[0]["note"], "weak password in a credential file");
    // Decoding off: the rule reads decoded text only, so nothing is reported.
    let (run, findings) = env.scan_json(&[".", "--decode-depth", "0"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(findings.is_empty(), "{findings:?}");
}
