"""Help -> About: version, the standard in force, and whom to call.

Lists the telephone numbers of the 16 prefecture examination offices (appendix 4 of the
published notice), with this station's own office first, so an operator with a question about
the photo rules knows where to ring.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from capture_station import __version__
from capture_station.gui.i18n import current_language, pick
from capture_station.settings import load_offices
from capture_station.standard import Standard


class AboutDialog(QDialog):
    def __init__(self, standard: Standard, office_code: str = "",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self._standard = standard
        self._office = office_code
        self.head = QLabel()
        self.head.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("officeTable")
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.head)
        lay.addWidget(self.table, 1)
        lay.addWidget(buttons)
        self.resize(520, 620)
        self.retranslate()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        std = self._standard
        self.setWindowTitle(self.tr("关于照片采集站"))
        self.head.setText(
            self.tr("自学考试毕业证书电子注册 照片采集站 {v}\n标准：{std}\n\n各地（州、市）教育考试机构联系电话：")
            .format(v=__version__, std=pick(std.name_zh, std.name_en))
        )
        self.table.setHorizontalHeaderLabels([self.tr("考试机构"), self.tr("联系电话")])
        offices = sorted(load_offices(), key=lambda o: o.code != self._office)
        self.table.setRowCount(len(offices))
        lang = current_language()
        for i, o in enumerate(offices):
            name = QTableWidgetItem(o.name(lang))
            phones = QTableWidgetItem("、".join(o.phones) if lang == "zh_CN" else ", ".join(o.phones))
            if o.code == self._office:
                f = QFont(name.font())
                f.setBold(True)
                name.setFont(f)
                phones.setFont(f)
            self.table.setItem(i, 0, name)
            self.table.setItem(i, 1, phones)
