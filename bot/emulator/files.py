"""Files users send and the bot uploads, downloadable through getFile."""

from __future__ import annotations

import io
from typing import Any

from bot.emulator.model import FileRecord


def image_size(data: bytes) -> tuple[int, int]:
    """Width and height of an image (Pillow), or 800x600 if it can't be read."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return image.size
    except Exception:  # noqa: BLE001 - any unreadable upload gets a default size
        return 800, 600


class FileStore:
    """Mixin keeping FileRecords by file_id."""

    files: dict[str, FileRecord]
    photo_sets: dict[str, list[dict[str, Any]]]

    def next_id(self) -> int:  # provided by World
        raise NotImplementedError

    def new_file(self, data: bytes, folder: str = "photos", ext: str = "jpg") -> FileRecord:
        """Store bytes under a fresh file_id and file_path."""
        n = self.next_id()
        record = FileRecord(
            file_id=f"AgACAgEmu{n:06d}x{len(data):x}",
            file_unique_id=f"AQADEmu{n:06d}",
            data=data,
            file_path=f"{folder}/file_{n}.{ext}",
        )
        record.width, record.height = image_size(data) if folder == "photos" else (0, 0)
        self.files[record.file_id] = record
        return record

    def photo_sizes(self, data: bytes) -> list[dict[str, Any]]:
        """Telegram's PhotoSize list (thumbnail first, original last) for an image."""
        full = self.new_file(data)
        thumb = self.new_file(data)
        scale = min(1.0, 90 / max(full.width, full.height, 1))
        thumb.width, thumb.height = max(1, int(full.width * scale)), max(1, int(full.height * scale))
        sizes = [_photo_size(thumb), _photo_size(full)]
        for size in sizes:
            self.photo_sets[size["file_id"]] = sizes
        return [dict(size) for size in sizes]

    def known_photo(self, file_id: str) -> list[dict[str, Any]] | None:
        """The PhotoSize list a photo sent before had (re-sending by file_id keeps its files)."""
        sizes = self.photo_sets.get(file_id)
        return [dict(size) for size in sizes] if sizes else None


def _photo_size(record: FileRecord) -> dict[str, Any]:
    return {
        "file_id": record.file_id,
        "file_unique_id": record.file_unique_id,
        "file_size": len(record.data),
        "width": record.width,
        "height": record.height,
    }
