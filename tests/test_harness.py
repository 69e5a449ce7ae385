"""The test harness itself: tests never reach the network beyond this machine."""

import socket

import pytest
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_outside_network_is_blocked():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("93.184.215.14", 80), timeout=1)


def test_loopback_stays_reachable_for_stand_in_servers():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    try:
        client = socket.create_connection(server.getsockname(), timeout=1)
        client.close()
    finally:
        server.close()
