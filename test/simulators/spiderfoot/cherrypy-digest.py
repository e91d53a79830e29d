"""SpiderFoot's login, for real: CherryPy's own auth_digest configured the way SpiderFoot's sf.py
configures it when its data directory has a passwd file (realm = the listen host, a random
integer key, get_ha1_dict_plain), in front of a few SpiderFoot-shaped endpoints.

Used by test/integration/spiderfoot-digest.test.ts when CherryPy is installed (Debian:
python3-cherrypy3, CherryPy 18.8, the version the recorded SpiderFoot ran on).

    python3 cherrypy-digest.py PORT USER PASSWORD

Prints "ready" when it listens; stops when stdin closes or after 120 s, whichever comes first.
"""
import json
import random
import sys
import threading

import cherrypy
from cherrypy.lib import auth_digest


class Api:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def ping(self):
        return ["SUCCESS", "4.0.0"]

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def scanstatus(self, id):
        return []

    @cherrypy.expose
    def startscan(self, scanname, scantarget, modulelist, typelist, usecase):
        cherrypy.response.headers['Content-Type'] = "application/json; charset=utf-8"
        return json.dumps(["SUCCESS", "C0FFEE42"]).encode('utf-8')

    @cherrypy.expose
    @cherrypy.tools.json_out()
    def stopscan(self, id):
        return ""


def main():
    port, user, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    host = '127.0.0.1'
    cherrypy.config.update({
        'server.socket_host': host,
        'server.socket_port': port,
        'log.screen': False,
        'engine.autoreload.on': False,
        'checker.on': False,
    })
    conf = {'/': {
        'tools.auth_digest.on': True,
        'tools.auth_digest.realm': host,
        'tools.auth_digest.get_ha1': auth_digest.get_ha1_dict_plain({user: password}),
        'tools.auth_digest.key': random.SystemRandom().randint(0, 99999999),
    }}
    cherrypy.tree.mount(Api(), '/', conf)

    def stop_when_stdin_closes():
        sys.stdin.read()
        cherrypy.engine.exit()

    threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
    deadline = threading.Timer(120, cherrypy.engine.exit)
    deadline.daemon = True
    deadline.start()
    cherrypy.engine.start()
    print("ready", flush=True)
    cherrypy.engine.block()


if __name__ == '__main__':
    main()
