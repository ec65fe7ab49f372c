import unittest
from wsgiref.util import setup_testing_defaults

from app import App


def get(app, path):
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    result = {}

    def start_response(status, headers):
        result["status"] = int(status.split(" ", 1)[0])

    body = b"".join(app(environ, start_response))
    return result["status"], body.decode()


class AppTest(unittest.TestCase):
    def test_health_and_readiness(self):
        app = App()
        self.assertEqual(get(app, "/healthz")[0], 200)
        self.assertEqual(get(app, "/readyz")[0], 200)
        app.ready = False
        self.assertEqual(get(app, "/readyz")[0], 503)
        self.assertEqual(get(app, "/healthz")[0], 200)

    def test_requests_are_counted_and_timed_by_route(self):
        app = App()
        for _ in range(3):
            self.assertEqual(get(app, "/")[0], 200)
        self.assertEqual(get(app, "/no/such/page")[0], 404)
        get(app, "/healthz")
        get(app, "/metrics")
        status, text = get(app, "/metrics")
        self.assertEqual(status, 200)
        self.assertIn('http_requests_total{code="200",method="GET",path="/"} 3.0', text)
        self.assertIn('http_requests_total{code="404",method="GET",path="unmatched"} 1.0', text)
        self.assertIn('http_request_duration_seconds_count{method="GET",path="/"} 3.0', text)
        for probe in ("/healthz", "/readyz", "/metrics"):
            self.assertNotIn(f'path="{probe}"', text)


if __name__ == "__main__":
    unittest.main()
