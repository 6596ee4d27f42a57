from notify_svc.channels.base import Channel, Message, SendResult


class InboxChannel(Channel):
    """The staff inbox is the notification row itself: sending makes it visible at ``GET /notify/v1/inbox``."""

    name = "inbox"

    async def send(self, message: Message) -> SendResult:
        return SendResult.sent()
