from tests.helpers import check_noop, codes


def test_sync_appcontext_receivers_are_reported():
    findings = check_noop(
        """\
        from quart import appcontext_pushed, request_started


        def on_push(sender, **extra):
            pass


        def on_start(sender, **extra):
            pass


        appcontext_pushed.connect(on_push)
        request_started.connect(on_start)


        @appcontext_pushed.connect_via(object())
        def also_on_push(sender, **extra):
            pass
        """
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q116", 12), ("F2Q116", 17)]


def test_async_receiver_is_not_reported():
    findings = check_noop(
        """\
        from quart import appcontext_pushed


        async def on_push(sender, **extra):
            pass


        appcontext_pushed.connect(on_push)
        """
    )
    assert codes(findings) == []
