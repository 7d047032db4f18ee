"""Acting on groups: create them, add and remove the bot and members, promote, migrate."""

from __future__ import annotations

from typing import Any, Iterable

from bot.emulator.errors import EmulatorError
from bot.emulator.members import member_dict
from bot.emulator.model import Chat, User
from bot.emulator.world import ChatRef, UserRef, World


class Groups(World):
    """Group verbs of the emulator (mixed into `Emulator` through `Actors`)."""

    def user(self, *args: Any, **kwargs: Any) -> User:  # provided by Actors
        raise NotImplementedError

    def _require_member(self, who: User, chat: Chat) -> None:
        if chat.migrated_to:
            raise EmulatorError(f"chat {chat.id} was upgraded to supergroup {chat.migrated_to}")
        if who.id not in chat.members:
            raise EmulatorError(f"user {who.id} is not a member of chat {chat.id}")

    def group(
        self, title: str, members: Iterable[UserRef] = (), supergroup: bool = False, with_bot: bool = False
    ) -> Chat:
        """Create a group (negative id) whose first member is its creator."""
        n = self.next_id()
        chat_id = -(1_000_000_000_000 + n) if supergroup else -(4_000_000_000 + n)
        ids = [self.user_of(m).id for m in members]
        chat = Chat(
            id=chat_id,
            type="supergroup" if supergroup else "group",
            title=title,
            members=ids,
            creator=ids[0] if ids else None,
        )
        self.chats[chat_id] = chat
        self.bump()
        if with_bot:
            creator = self.user_of(ids[0]) if ids else self.user()
            chat.bot_status = "member"
            self._member_update(chat, creator, "left", "member")
            created = "supergroup_chat_created" if supergroup else "group_chat_created"
            self.deliver(chat, self.store(chat, creator, {created: True}))
        return chat

    def add_member(self, group: ChatRef, user: UserRef, by: UserRef | None = None) -> dict[str, Any]:
        """A user joins (or is added to) a group; emits a new_chat_members message."""
        chat, who = self.chat_of(group), self.user_of(user)
        if who.id not in chat.members:
            chat.members.append(who.id)
        actor = self.user_of(by) if by is not None else who
        message = self.store(
            chat,
            actor,
            {
                "new_chat_members": [who.to_dict()],
                "new_chat_member": who.to_dict(),
                "new_chat_participant": who.to_dict(),
            },
        )
        self.deliver(chat, message)
        return message.view()

    def leave(self, group: ChatRef, user: UserRef) -> dict[str, Any]:
        """A user leaves a group; emits a left_chat_member message."""
        chat, who = self.chat_of(group), self.user_of(user)
        if who.id in chat.members:
            chat.members.remove(who.id)
        message = self.store(
            chat, who, {"left_chat_member": who.to_dict(), "left_chat_participant": who.to_dict()}
        )
        self.deliver(chat, message)
        return message.view()

    def add_bot(self, group: ChatRef, by: UserRef) -> dict[str, Any]:
        """`by` adds the bot: my_chat_member update plus a new_chat_members message."""
        chat, actor = self.chat_of(group), self.user_of(by)
        self._require_member(actor, chat)
        old, chat.bot_status, chat.bot_can_delete = chat.bot_status, "member", False
        self._member_update(chat, actor, old, "member")
        bot = self.bot.to_dict()
        message = self.store(
            chat, actor, {"new_chat_members": [bot], "new_chat_member": bot, "new_chat_participant": bot}
        )
        self.deliver(chat, message)
        return message.view()

    def remove_bot(self, group: ChatRef, by: UserRef) -> dict[str, Any]:
        """`by` removes (bans) the bot: my_chat_member to "kicked"; later sends get 403."""
        chat, actor = self.chat_of(group), self.user_of(by)
        old, chat.bot_status, chat.bot_can_delete = chat.bot_status, "kicked", False
        self._member_update(chat, actor, old, "kicked")
        bot = self.bot.to_dict()
        message = self.store(chat, actor, {"left_chat_member": bot, "left_chat_participant": bot})
        return message.view()

    def promote_bot(
        self, group: ChatRef, can_delete_messages: bool = True, by: UserRef | None = None
    ) -> None:
        """Make the bot an admin (it then sees every message); emits my_chat_member."""
        chat = self.chat_of(group)
        actor = self.user_of(by if by is not None else chat.creator or self.user())
        old, chat.bot_status, chat.bot_can_delete = chat.bot_status, "administrator", can_delete_messages
        self._member_update(chat, actor, old, "administrator")

    def promote_user(self, group: ChatRef, user: UserRef) -> None:
        """Make a member an administrator of the group (getChatMember then says so)."""
        chat, who = self.chat_of(group), self.user_of(user)
        self._require_member(who, chat)
        if who.id not in chat.admins:
            chat.admins.append(who.id)

    def demote_bot(self, group: ChatRef, by: UserRef | None = None) -> None:
        """Make the bot a plain member again; emits my_chat_member."""
        chat = self.chat_of(group)
        actor = self.user_of(by if by is not None else chat.creator or self.user())
        old, chat.bot_status, chat.bot_can_delete = chat.bot_status, "member", False
        self._member_update(chat, actor, old, "member")

    def migrate(self, group: ChatRef) -> Chat:
        """Upgrade a group to a supergroup (-100… id); both chats get a migrate service message."""
        old = self.chat_of(group)
        if old.type != "group" or old.migrated_to:
            raise EmulatorError(f"chat {old.id} is not a basic group")
        new = Chat(
            id=-(1_000_000_000_000 + self.next_id()),
            type="supergroup",
            title=old.title,
            members=list(old.members),
            creator=old.creator,
            admins=list(old.admins),
            bot_status=old.bot_status,
            bot_can_delete=old.bot_can_delete,
        )
        self.chats[new.id] = new
        actor = self.user_of(old.creator) if old.creator else self.user()
        self.deliver(old, self.store(old, actor, {"migrate_to_chat_id": new.id}))
        old.migrated_to = new.id
        self.deliver(new, self.store(new, actor, {"migrate_from_chat_id": old.id}))
        return new

    def _member_update(self, chat: Chat, actor: User, old: str, new: str) -> None:
        self.emit(
            "my_chat_member",
            {
                "chat": chat.to_dict(),
                "from": actor.to_dict(),
                "date": self.now(),
                "old_chat_member": member_dict(chat, self.bot, old),
                "new_chat_member": member_dict(chat, self.bot, new),
            },
        )
