//! Tests: web frameworks' secret keys, one fixture per convention with the exact finding
//! and a negative twin (empty, reference or the framework's documented placeholder).

use crate::util::TestEnv;

/// Framework configuration with a fake secret key each (`pos/`), and their negative twins (`neg/`).
const FILES: &[(&str, &str)] = &[
    ("pos/rails/config/master.key", "8ef59c2c838a484c9f4fc5dd0c7098bb\n"),
    ("pos/rails/config/credentials.yml", "aws:\n  access_key_id: 123\nsecret_key_base: 017ae1f3d6858fc6e0d536dde771035f04bb509a9355db0c88b34ef83c8afb72b5d0a945759c76a431d0e7df00f836a5c2dce0da5861e037ec0c532a54db4e5c\n"),
    ("pos/rails/.kamal/secrets", "RAILS_MASTER_KEY=be1077f8ffa42d51ffb9327a998e95e7\n"),
    ("pos/phoenix/config/prod.exs", "config :shop, ShopWeb.Endpoint,\n  url: [host: \"shop.acme-corp.test\"],\n  secret_key_base: \"AjLLsk0ZhdshGrh06-OqgiQJY0iCV1xIvT1AYQVrUSLz4NxsBpaHtMBrfaMy02IR\"\n"),
    ("pos/laravel/.env", "APP_NAME=Shop\nAPP_ENV=production\nAPP_KEY=base64:q+dMVhVMTJbGYZ49NZskyb5TGmMWt8C+Rqbv0nxXQHo=\n"),
    ("pos/symfony/.env", "APP_ENV=prod\nAPP_SECRET=8ef59c2c838a484c9f4fc5dd0c7098bc\n"),
    ("pos/symfony2/app/config/parameters.yml", "parameters:\n    database_host: 127.0.0.1\n    secret: 6a1f3c9e0b7d24e8f5a2c1d9b3e7f0a4c8d2e6b1\n"),
    ("pos/codeigniter/.env", "CI_ENVIRONMENT = production\nencryption.key = hex2bin:34e12b7ebf569afec16c4c418499576959fc6fef54914d838671ae198ffb9aa0\n"),
    ("pos/wordpress/wp-config.php", "<?php\ndefine( 'DB_NAME', 'shop' );\ndefine( 'AUTH_KEY',         '6-1pn<b>f@?eA~h+@AEoz[Tut*R1GVpDs/Kw4C?m)Uu/y^jK]}TW<f@RdKxE<A&1' );\ndefine( 'NONCE_SALT',       '?b+7*vqF3Cgf.2*4k#4r|>%a8|BK>s!7O7GmPkA$.-p-*32k;V73Ko)J*=Gq6sPj' );\n"),
    ("pos/drupal/sites/default/settings.php", "<?php\n$settings['hash_salt'] = 'FFc2nfPmGCkA-PAvbrFFs_a5szBWVlMKGLvL6wPO81Wb89OyWlWLVA4YlebYN5PX29RwNihh4Q';\n"),
    ("pos/django/shop/settings.py", "import os\n\nSECRET_KEY = 'django-insecure-#r((s_0n9oepjruk@nsq)v4@+6u5ml7cby(3bd$@52^b%+th=p'\nDEBUG = False\n"),
    ("pos/flask/app.py", "from flask import Flask\n\napp = Flask(__name__)\napp.secret_key = \"w8BuO676i0yc0bzkJ_AydZchmyp1LIZ9\"\n"),
    ("pos/express/server.js", "const session = require('express-session');\napp.use(session({\n  resave: false,\n  secret: 'mGIWi6kUz92CDOzPvbCq1cM_QijHM_KZ',\n}));\n"),
    ("pos/koa/app.js", "const app = new Koa();\napp.keys = ['w8BuO676i0yc0bzkJ_AydZchmyp1LIZ9', 'mGIWi6kUz92CDOzPvbCq1cM_QijHM_KZ'];\n"),
    ("pos/next/.env.local", "NEXTAUTH_URL=https://shop.acme-corp.test\nNEXTAUTH_SECRET=hJJzEA2l3blC/iIhbLeuv+rJpIJWcFFEemLVuyQNONE=\n"),
    ("pos/play/conf/application.conf", "play.http.secret.key=\"FFc2nfPmGCkA-PAvbrFFs_a5szBWVlMKGLvL6wPO81Wb\"\n"),
    ("pos/sinatra/app.rb", "enable :sessions\nset :session_secret, 'FFc2nfPmGCkA-PAvbrFFs_a5szBWVlMKGLvL6wPO81Wb89Oy'\n"),
    ("pos/aspnet/web.config", "<system.web>\n  <machineKey validationKey=\"FFECBAC2D698155CE35FB00B9A1BD28FDA681A4A6139B2B14E35AC24FD2354AB80D9C4A352A51FD8C68DF46922BBD112699D291F836DEF73914F6738D69110FF\" decryptionKey=\"CFA15A7AC3D4BC2105BC29E7BD840988D398C658BF0C5190\" validation=\"HMACSHA256\" decryption=\"AES\" />\n</system.web>\n"),
    ("neg/rails/config/master.key", "\n"),
    ("neg/rails/config/credentials.yml", "secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>\n"),
    ("neg/rails/.kamal/secrets", "RAILS_MASTER_KEY=$(cat config/master.key)\n"),
    ("neg/phoenix/config/runtime.exs", "config :shop, ShopWeb.Endpoint,\n  secret_key_base: System.fetch_env!(\"SECRET_KEY_BASE\")\n"),
    ("neg/laravel/.env", "APP_NAME=Shop\nAPP_KEY=\n"),
    ("neg/symfony/.env", "APP_SECRET=\n"),
    ("neg/symfony2/app/config/parameters.yml", "parameters:\n    secret: ThisTokenIsNotSoSecretChangeIt\n"),
    ("neg/codeigniter/.env", "# encryption.key =\n"),
    ("neg/wordpress/wp-config.php", "<?php\ndefine( 'AUTH_KEY',         'put your unique phrase here' );\ndefine( 'NONCE_SALT',       getenv('WP_NONCE_SALT') );\n"),
    ("neg/drupal/sites/default/settings.php", "<?php\n$settings['hash_salt'] = '';\n"),
    ("neg/django/shop/settings.py", "import os\n\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n"),
    ("neg/flask/app.py", "app.secret_key = 'dev'\n"),
    ("neg/express/server.js", "app.use(session({ secret: 'keyboard cat', resave: false }));\napp.use(session({ secret: process.env.SESSION_SECRET }));\n"),
    ("neg/koa/app.js", "app.keys = ['im a newer secret', 'i like turtle'];\n"),
    ("neg/next/.env.local", "NEXTAUTH_SECRET=${NEXTAUTH_SECRET}\n"),
    ("neg/play/conf/application.conf", "play.http.secret.key=\"changeme\"\nplay.http.secret.key=${?APPLICATION_SECRET}\n"),
    ("neg/sinatra/app.rb", "set :session_secret, ENV.fetch('SESSION_SECRET')\n"),
    ("neg/aspnet/web.config", "<machineKey validationKey=\"AutoGenerate,IsolateApps\" decryptionKey=\"AutoGenerate,IsolateApps\" />\n"),
];

/// (path, line, column, rule, secret, weak) of every finding in `FILES`, in report order.
const EXPECTED: &[(&str, usize, usize, &str, &str, bool)] = &[
    ("pos/aspnet/web.config", 2, 30, "aspnet-machine-key", "FFECBAC2D698155CE35FB00B9A1BD28FDA681A4A6139B2B14E35AC24FD2354AB80D9C4A352A51FD8C68DF46922BBD112699D291F836DEF73914F6738D69110FF", false),
    ("pos/aspnet/web.config", 2, 175, "aspnet-machine-key", "CFA15A7AC3D4BC2105BC29E7BD840988D398C658BF0C5190", false),
    ("pos/codeigniter/.env", 2, 18, "codeigniter-encryption-key", "hex2bin:34e12b7ebf569afec16c4c418499576959fc6fef54914d838671ae198ffb9aa0", false),
    ("pos/django/shop/settings.py", 3, 15, "python-web-secret-key", "django-insecure-#r((s_0n9oepjruk@nsq)v4@+6u5ml7cby(3bd$@52^b%+th=p", false),
    ("pos/drupal/sites/default/settings.php", 2, 27, "drupal-hash-salt", "FFc2nfPmGCkA-PAvbrFFs_a5szBWVlMKGLvL6wPO81Wb89OyWlWLVA4YlebYN5PX29RwNihh4Q", false),
    ("pos/express/server.js", 4, 12, "express-session-secret", "mGIWi6kUz92CDOzPvbCq1cM_QijHM_KZ", false),
    ("pos/flask/app.py", 4, 19, "python-web-secret-key", "w8BuO676i0yc0bzkJ_AydZchmyp1LIZ9", false),
    ("pos/koa/app.js", 2, 14, "koa-app-keys", "w8BuO676i0yc0bzkJ_AydZchmyp1LIZ9", false),
    ("pos/laravel/.env", 3, 9, "laravel-app-key", "base64:q+dMVhVMTJbGYZ49NZskyb5TGmMWt8C+Rqbv0nxXQHo=", false),
    ("pos/next/.env.local", 2, 17, "nextauth-secret", "hJJzEA2l3blC/iIhbLeuv+rJpIJWcFFEemLVuyQNONE=", false),
    ("pos/phoenix/config/prod.exs", 3, 21, "phoenix-secret-key-base", "AjLLsk0ZhdshGrh06-OqgiQJY0iCV1xIvT1AYQVrUSLz4NxsBpaHtMBrfaMy02IR", false),
    ("pos/play/conf/application.conf", 1, 23, "play-application-secret", "FFc2nfPmGCkA-PAvbrFFs_a5szBWVlMKGLvL6wPO81Wb", false),
    ("pos/rails/.kamal/secrets", 1, 18, "rails-master-key-env", "be1077f8ffa42d51ffb9327a998e95e7", false),
    ("pos/rails/config/credentials.yml", 3, 18, "rails-secret-key-base", "017ae1f3d6858fc6e0d536dde771035f04bb509a9355db0c88b34ef83c8afb72b5d0a945759c76a431d0e7df00f836a5c2dce0da5861e037ec0c532a54db4e5c", false),
    ("pos/rails/config/master.key", 1, 1, "rails-master-key", "8ef59c2c838a484c9f4fc5dd0c7098bb", false),
    ("pos/sinatra/app.rb", 2, 23, "sinatra-session-secret", "FFc2nfPmGCkA-PAvbrFFs_a5szBWVlMKGLvL6wPO81Wb89Oy", false),
    ("pos/symfony/.env", 2, 12, "symfony-app-secret", "8ef59c2c838a484c9f4fc5dd0c7098bc", false),
    ("pos/symfony2/app/config/parameters.yml", 3, 13, "symfony-parameters-secret", "6a1f3c9e0b7d24e8f5a2c1d9b3e7f0a4c8d2e6b1", false),
    ("pos/wordpress/wp-config.php", 3, 30, "wordpress-auth-key", "6-1pn<b>f@?eA~h+@AEoz[Tut*R1GVpDs/Kw4C?m)Uu/y^jK]}TW<f@RdKxE<A&1", false),
    ("pos/wordpress/wp-config.php", 4, 30, "wordpress-auth-key", "?b+7*vqF3Cgf.2*4k#4r|>%a8|BK>s!7O7GmPkA$.-p-*32k;V73Ko)J*=Gq6sPj", false),
];

#[test]
fn every_framework_secret_has_its_exact_finding_and_its_twin_has_none() {
    let env = TestEnv::new();
    for (path, text) in FILES {
        env.write(path, text);
    }
    let (run, findings) = env.scan_json(&[".", "--show-secrets"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    crate::util::assert_findings(&findings, EXPECTED);
}

#[test]
fn a_framework_key_is_redacted_by_default() {
    let env = TestEnv::new();
    let salt = "6-1pn<b>f@?eA~h+@AEoz[Tut*R1GVpDs/Kw4C?m)Uu/y^jK]}TW<f@RdKxE<A&1";
    env.write(
        "wp-config.php",
        format!("<?php\ndefine( 'AUTH_KEY', '{salt}' );\n"),
    );
    for format in ["human", "json", "sarif"] {
        let run = env.run(&["scan", ".", "--format", format]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        if format == "sarif" {
            run.sarif();
        }
        assert!(!run.stdout.contains(salt), "{format}: {}", run.stdout);
        assert!(
            !run.stdout.contains(&salt[..16]),
            "{format}: {}",
            run.stdout
        );
    }
}
