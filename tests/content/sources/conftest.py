"""A throwaway certificate authority and the local HTTPS proxy, wired in through the environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from tests.content.sources.proxy import HttpsProxy


@pytest.fixture(scope="session")
def certificate_authority(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    ca = trustme.CA()
    bundle = tmp_path_factory.mktemp("ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    return ca, bundle


@pytest.fixture
def proxy(
    certificate_authority: tuple[trustme.CA, Path], monkeypatch: pytest.MonkeyPatch
) -> Iterator[HttpsProxy]:
    """The proxy, reachable only as HTTPS_PROXY and trusted only through SSL_CERT_FILE."""
    ca, bundle = certificate_authority
    server = HttpsProxy(ca)
    server.start()
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTPS_PROXY", f"http://127.0.0.1:{server.port}")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    yield server
    server.stop()
