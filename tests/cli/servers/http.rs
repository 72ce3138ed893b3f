//! Servers for the https transport's tests: lighttpd running
//! git-http-backend (plain http and TLS with a test certificate authority,
//! a path behind basic auth, redirects, a web page and a dumb server where
//! a repository should be), tinyproxy, and a server that accepts
//! connections and never answers. Each runs as the current user from a
//! config file in the test's scratch directory, on free ports of
//! 127.0.0.1, and is killed when the test ends.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use super::{free_port, need, wait_for_port, Server};

/// The user and password the `/private/` path accepts.
pub const USER: &str = "alice";
pub const PASSWORD: &str = "s3cret-Pa55word";

/// A test certificate authority and a leaf certificate it signed for
/// `localhost` and `127.0.0.1` (rustls refuses a CA certificate used as
/// the server's own).
pub struct Certificates {
    /// The CA's certificate (PEM): what SSL_CERT_FILE names.
    pub ca: PathBuf,
    pub leaf: PathBuf,
    pub leaf_key: PathBuf,
}

/// Makes the certificates in `dir` with the `openssl` command line.
pub fn certificates(dir: &Path) -> Certificates {
    need("openssl");
    fs::create_dir_all(dir).unwrap();
    let ext = dir.join("leaf.ext");
    fs::write(
        &ext,
        "subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    openssl(
        dir,
        &[
            &["req", "-x509"],
            &ec[..],
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "2",
                "-subj",
                "/CN=plat test CA",
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            &["req"],
            &ec[..],
            &[
                "-keyout",
                "leaf.key",
                "-out",
                "leaf.csr",
                "-subj",
                "/CN=localhost",
            ],
        ]
        .concat(),
    );
    openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "leaf.pem",
            "-days",
            "2",
            "-extfile",
            "leaf.ext",
        ],
    );
    Certificates {
        ca: dir.join("ca.pem"),
        leaf: dir.join("leaf.pem"),
        leaf_key: dir.join("leaf.key"),
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("running openssl");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// lighttpd serving the bare repositories under `repos` through
/// git-http-backend, on a plain http port and (with `tls`) an https one:
/// - `/git/<repo>`: anyone may fetch;
/// - `/private/<repo>`: basic auth, [`USER`] and [`PASSWORD`];
/// - `/moved/<repo>`: redirects to `/git/<repo>`; `/loop/...` redirects to itself;
/// - `/web/<path>`: a web page (text/html); `/dumb/<path>`: text/plain.
pub struct Lighttpd {
    pub server: Server,
    /// The https port, when started with TLS.
    pub tls_port: Option<u16>,
    /// Every request, one line each (lighttpd's access log).
    pub access_log: PathBuf,
}

impl Lighttpd {
    /// `http://127.0.0.1:<port>`.
    pub fn http(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port)
    }

    /// `https://<host>:<tls port>` (`host`: `127.0.0.1` or `localhost`).
    pub fn https(&self, host: &str) -> String {
        format!(
            "https://{host}:{}",
            self.tls_port.expect("started with TLS")
        )
    }

    /// Waits (at most 10 s: lighttpd writes its access log in batches)
    /// until a logged request contains `text`.
    pub fn wait_for_request(&self, text: &str) {
        for _ in 0..500 {
            if fs::read_to_string(&self.access_log).is_ok_and(|log| log.contains(text)) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!(
            "lighttpd logged no request with {text:?} in {}",
            self.access_log.display()
        );
    }
}

/// Starts lighttpd for `repos` with its files in `dir`.
pub fn lighttpd(dir: &Path, repos: &Path, tls: Option<&Certificates>) -> Lighttpd {
    let program = need("lighttpd");
    let backend = need("git-http-backend");
    fs::create_dir_all(dir.join("www/web/acme.git/info")).unwrap();
    fs::create_dir_all(dir.join("www/dumb/acme.git/info")).unwrap();
    fs::write(
        dir.join("www/web/acme.git/info/refs"),
        "<html><body>Sign in</body></html>\n",
    )
    .unwrap();
    fs::write(
        dir.join("www/dumb/acme.git/info/refs"),
        "0000000000000000000000000000000000000000\tHEAD\n",
    )
    .unwrap();
    fs::write(dir.join("users"), format!("{USER}:{PASSWORD}\n")).unwrap();
    let port = free_port();
    let tls_port = tls.map(|_| free_port());
    let conf = dir.join("lighttpd.conf");
    fs::write(&conf, config(dir, repos, &backend, port, tls_port.zip(tls))).unwrap();
    let child = Command::new(program)
        .args(["-D", "-f"])
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting lighttpd");
    let server = Server { child, port };
    let log = dir.join("error.log");
    let what = format!("lighttpd (see {})", log.display());
    wait_for_port(port, &what);
    if let Some(p) = tls_port {
        wait_for_port(p, &what);
    }
    Lighttpd {
        server,
        tls_port,
        access_log: dir.join("access.log"),
    }
}

fn config(
    dir: &Path,
    repos: &Path,
    backend: &Path,
    port: u16,
    tls: Option<(u16, &Certificates)>,
) -> String {
    let d = dir.display();
    let backend = backend.display();
    let mut conf = format!(
        r#"server.modules = ("mod_access", "mod_alias", "mod_redirect", "mod_setenv", "mod_auth", "mod_authn_file", "mod_cgi", "mod_accesslog"{openssl})
server.document-root = "{d}/www"
server.bind = "127.0.0.1"
server.port = {port}
server.errorlog = "{d}/error.log"
accesslog.filename = "{d}/access.log"
mimetype.assign = ("" => "application/octet-stream")
url.redirect = ("^/moved/(.*)$" => "/git/$1", "^/loop/(.*)$" => "/loop/$1")
alias.url = ("/git/" => "{backend}/", "/private/" => "{backend}/")
$HTTP["url"] =~ "^/(git|private)/" {{
  cgi.assign = ("" => "")
  setenv.set-environment = ("GIT_PROJECT_ROOT" => "{repos}", "GIT_HTTP_EXPORT_ALL" => "1")
}}
$HTTP["url"] =~ "^/private/" {{
  auth.backend = "plain"
  auth.backend.plain.userfile = "{d}/users"
  auth.require = ("" => ("method" => "basic", "realm" => "git", "require" => "valid-user"))
}}
$HTTP["url"] =~ "^/web/" {{ mimetype.assign = ("" => "text/html") }}
$HTTP["url"] =~ "^/dumb/" {{ mimetype.assign = ("" => "text/plain") }}
"#,
        openssl = if tls.is_some() {
            r#", "mod_openssl""#
        } else {
            ""
        },
        repos = repos.display(),
    );
    if let Some((tls_port, certs)) = tls {
        conf.push_str(&format!(
            "$SERVER[\"socket\"] == \"127.0.0.1:{tls_port}\" {{\n  ssl.engine = \"enable\"\n  ssl.pemfile = \"{}\"\n  ssl.privkey = \"{}\"\n}}\n",
            certs.leaf.display(),
            certs.leaf_key.display()
        ));
    }
    conf
}

/// tinyproxy on a free port, logging every connection it makes to `log`.
pub struct Tinyproxy {
    pub server: Server,
    pub log: PathBuf,
}

impl Tinyproxy {
    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port)
    }

    /// What tinyproxy has logged so far.
    pub fn logged(&self) -> String {
        fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Starts tinyproxy with its files in `dir`.
pub fn tinyproxy(dir: &Path) -> Tinyproxy {
    let program = need("tinyproxy");
    fs::create_dir_all(dir).unwrap();
    let port = free_port();
    let log = dir.join("tinyproxy.log");
    let conf = dir.join("tinyproxy.conf");
    fs::write(
        &conf,
        format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nLogFile \"{}\"\nLogLevel Info\nMaxClients 20\nAllow 127.0.0.1\n",
            log.display()
        ),
    )
    .unwrap();
    let child = Command::new(program)
        .arg("-d")
        .arg("-c")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting tinyproxy");
    let server = Server { child, port };
    wait_for_port(port, &format!("tinyproxy (see {})", log.display()));
    Tinyproxy { server, log }
}

/// A port on 127.0.0.1 where connecting never completes: a listener with
/// a backlog of none, already filled, so the kernel drops every further
/// attempt as an unreachable host would. Closed when dropped.
pub struct Unreachable {
    pub port: u16,
    fd: i32,
    _filler: Vec<std::net::TcpStream>,
}

impl Unreachable {
    pub fn start() -> Unreachable {
        // SAFETY: plain socket calls on a descriptor this guard owns.
        let (fd, port) = unsafe {
            let fd = libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0);
            assert!(fd >= 0, "socket");
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            assert_eq!(
                libc::bind(fd, &addr as *const _ as *const libc::sockaddr, len),
                0,
                "bind"
            );
            assert_eq!(libc::listen(fd, 0), 0, "listen");
            let mut bound: libc::sockaddr_in = std::mem::zeroed();
            let mut blen = len;
            libc::getsockname(fd, &mut bound as *mut _ as *mut libc::sockaddr, &mut blen);
            (fd, u16::from_be(bound.sin_port))
        };
        let addr = std::net::SocketAddr::from(([127, 0, 0, 1], port));
        let mut filler = Vec::new();
        for _ in 0..8 {
            match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
                Ok(s) => filler.push(s),
                Err(_) => break,
            }
        }
        Unreachable {
            port,
            fd,
            _filler: filler,
        }
    }
}

impl Drop for Unreachable {
    fn drop(&mut self) {
        // SAFETY: the descriptor is this guard's own.
        unsafe {
            libc::close(self.fd);
        }
    }
}
